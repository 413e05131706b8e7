import ArgumentParser
import AsyncHTTPClient
import Foundation
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import SluiceAPI
import SluiceClient

/// `sluice generate`: realistic social-media events sent to a stream through the public API
/// (the generated client), at a steady rate with optional bursts. For demos and load.
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send realistic social-media events to a stream through the public API (demo and load)."
    )

    @Option(help: "Sluice's base URL.") var url = "http://127.0.0.1:8080"
    @Option(help: "An API key with events:write on the stream (or SLUICE_API_KEY).") var key: String?
    @Option(help: "The stream to send to.") var stream: String
    @Option(help: "Events per second.") var rate = 50.0
    @Option(help: "How long to run, in seconds (0: until interrupted).") var duration = 30.0
    @Option(help: "Events per request (1 sends single events).") var batch = 20
    @Option(help: "How many accounts the events are about.") var accounts = 25
    @Option(help: "Every this many seconds, a burst (0: none).") var burstEvery = 0.0
    @Option(help: "How long a burst lasts, in seconds.") var burstSeconds = 3.0
    @Option(help: "How much faster a burst sends.") var burstFactor = 10.0
    @Option(help: "Concurrent requests at most.") var concurrency = 8
    @Option(help: "Random seed, for a repeatable run.") var seed: UInt64 = 1

    func validate() throws {
        guard rate > 0, batch >= 1, batch <= 1000, accounts >= 1, concurrency >= 1 else {
            throw ValidationError("rate > 0, 1 ≤ batch ≤ 1000, accounts ≥ 1, concurrency ≥ 1")
        }
    }

    func run() async throws {
        guard let key = key ?? ProcessInfo.processInfo.environment["SLUICE_API_KEY"] else {
            throw ValidationError("Give --key or SLUICE_API_KEY.")
        }
        guard let serverURL = URL(string: url) else { throw ValidationError("'\(url)' is not a URL.") }
        let client = Client(
            serverURL: serverURL,
            configuration: .sluice,
            transport: AsyncHTTPClientTransport(),
            middlewares: [BearerAuthentication(key)]
        )
        var world = SocialWorld(accounts: accounts, seed: seed)
        let tally = Tally()
        let start = ContinuousClock.now
        var sent = 0.0
        var lastReport = start
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            while duration == 0 || ContinuousClock.now - start < .seconds(duration) {
                let elapsed = (ContinuousClock.now - start).seconds
                let bursting = burstEvery > 0 && elapsed.truncatingRemainder(dividingBy: burstEvery) >= burstEvery - burstSeconds
                let currentRate = bursting ? rate * burstFactor : rate
                sent += currentRate * 0.05
                // Full batches, or at a low rate whatever half a second brought.
                let threshold = min(Double(batch), max(1, currentRate * 0.5))
                while sent >= threshold {
                    let count = min(batch, Int(sent))
                    sent -= Double(count)
                    let events = (0..<count).map { _ in world.next() }
                    if running >= concurrency {
                        try await group.next()
                        running -= 1
                    }
                    running += 1
                    group.addTask { await Self.send(events, single: batch == 1, stream: stream, client: client, tally: tally) }
                }
                if ContinuousClock.now - lastReport >= .seconds(1) {
                    lastReport = ContinuousClock.now
                    print(await tally.line(elapsed: elapsed, bursting: bursting))
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            try await group.waitForAll()
        }
        print(await tally.line(elapsed: (ContinuousClock.now - start).seconds, bursting: false) + " (done)")
    }

    static func send(_ events: [Components.Schemas.EventInput], single: Bool, stream: String, client: Client, tally: Tally) async {
        let started = ContinuousClock.now
        do {
            if single, let event = events.first {
                switch try await client.ingestEvent(path: .init(stream: stream), body: .json(event)) {
                case .created: await tally.add(stored: 1, latency: ContinuousClock.now - started)
                case .ok: await tally.add(duplicates: 1, latency: ContinuousClock.now - started)
                default: await tally.add(rejected: 1, latency: ContinuousClock.now - started)
                }
            } else {
                let result = try await client.ingestBatch(path: .init(stream: stream), body: .json(.init(events: events))).ok.body.json
                await tally.add(
                    stored: result.stored,
                    duplicates: result.duplicates,
                    rejected: result.rejected,
                    failed: result.failed,
                    latency: ContinuousClock.now - started
                )
            }
        } catch {
            await tally.add(failed: events.count, latency: ContinuousClock.now - started, error: "\(error)")
        }
    }
}

/// Counts outcomes and latencies between reports.
actor Tally {
    private var stored = 0, duplicates = 0, rejected = 0, failed = 0
    private var latencies: [Double] = []
    private var lastError: String?

    func add(stored: Int = 0, duplicates: Int = 0, rejected: Int = 0, failed: Int = 0, latency: Duration, error: String? = nil) {
        self.stored += stored
        self.duplicates += duplicates
        self.rejected += rejected
        self.failed += failed
        latencies.append(latency.seconds * 1000)
        if let error { lastError = error }
    }

    func line(elapsed: Double, bursting: Bool) -> String {
        let sorted = latencies.sorted()
        let p50 = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        let p99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
        latencies.removeAll(keepingCapacity: true)
        var line = String(
            format: "%6.1fs stored %d duplicates %d rejected %d failed %d  p50 %.1f ms p99 %.1f ms",
            elapsed,
            stored,
            duplicates,
            rejected,
            failed,
            p50,
            p99
        )
        if bursting { line += "  [burst]" }
        if let lastError { line += "  last error: \(lastError.prefix(120))" }
        lastError = nil
        return line
    }
}

/// A small world of accounts and posts whose counts grow like real ones do.
struct SocialWorld {
    struct Account {
        var id: String
        var handle: String
        var platform: String
        var followers: Int
        var posts: [(id: String, likes: Int, comments: Int, shares: Int, views: Int)]
    }

    var accounts: [Account]
    var random: SplitMix

    init(accounts count: Int, seed: UInt64) {
        random = SplitMix(seed: seed)
        let platforms = ["twitter", "youtube", "instagram"]
        let names = ["nova", "atlas", "lumen", "orbit", "pixel", "echo", "ember", "drift", "quill", "vivid"]
        var accounts: [Account] = []
        for index in 0..<count {
            let platform = platforms[index % platforms.count]
            accounts.append(
                Account(
                    id: String(100_000 + index * 7919),
                    handle: "\(names[index % names.count])_\(index)",
                    platform: platform,
                    followers: Int(1_000 * pow(10, Double(random.next() % 300) / 100)),
                    posts: []
                )
            )
        }
        self.accounts = accounts
    }

    mutating func next() -> Components.Schemas.EventInput {
        let index = Int(random.next() % UInt64(accounts.count))
        var account = accounts[index]
        let roll = random.next() % 100
        let type: String
        var data: [String: any Sendable]
        let now = RFC3339.format(Date())
        let base: [String: any Sendable] = [
            "platform": account.platform, "account": ["id": account.id, "handle": account.handle], "occurredAt": now,
        ]
        if roll < 10 || account.posts.isEmpty {
            account.followers += Int(random.next() % 50)
            type = "social.account.metrics"
            data = base.merging(["kind": "account", "action": "snapshot", "metrics": ["followers": account.followers]]) { a, _ in a }
            if account.posts.isEmpty || roll < 3 {
                account.posts.append((id: String(random.next() % 1_000_000_000_000), likes: 0, comments: 0, shares: 0, views: 0))
                if account.posts.count > 20 { account.posts.removeFirst() }
            }
        } else if roll < 25 {
            type = "social.comment.created"
            let post = account.posts[Int(random.next() % UInt64(account.posts.count))]
            data = base.merging([
                "kind": "comment", "action": "commented", "content": ["id": post.id, "text": "great post #\(random.next() % 1000)"],
                "actor": ["id": String(random.next() % 1_000_000), "handle": "fan_\(random.next() % 10_000)"], "metrics": [String: Int](),
            ]) { a, _ in a }
        } else {
            type = "social.post.metrics"
            let slot = Int(random.next() % UInt64(account.posts.count))
            var post = account.posts[slot]
            let reach = max(1, account.followers / 100)
            post.views += Int(random.next() % UInt64(reach * 10))
            post.likes += Int(random.next() % UInt64(reach))
            post.comments += Int(random.next() % UInt64(max(1, reach / 10)))
            post.shares += Int(random.next() % UInt64(max(1, reach / 20)))
            account.posts[slot] = post
            data = base.merging([
                "kind": "post", "action": "snapshot", "content": ["id": post.id],
                "metrics": ["likes": post.likes, "comments": post.comments, "shares": post.shares, "views": post.views],
            ]) { a, _ in a }
        }
        accounts[index] = account
        return Components.Schemas.EventInput(
            id: UUID().uuidString,
            _type: type,
            source: account.platform,
            key: "\(account.platform):\(account.id)",
            occurredAt: Date(),
            data: try! OpenAPIValueContainer(unvalidatedValue: data)
        )
    }
}

/// A seeded generator (SplitMix64), so that a run can be repeated.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
