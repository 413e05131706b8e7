import Foundation

/// Counts failed logins per account and per client IP within a sliding window and refuses
/// further attempts past a limit, so that passwords cannot be guessed at speed.
///
/// This one lives in the process: it holds for a single node. A Redis-backed one, shared by
/// every node, takes its place behind `LoginThrottling` when Redis is configured.
public protocol LoginThrottling: Sendable {
    /// Throws 429 with `Retry-After` if the account or the address has failed too often.
    func check(account: String, clientIP: String?) async throws
    func recordFailure(account: String, clientIP: String?) async
    func recordSuccess(account: String) async
}

public actor InProcessLoginThrottle: LoginThrottling {
    public struct Configuration: Sendable {
        public var failuresPerAccount = 5
        public var failuresPerIP = 20
        public var window: TimeInterval = 15 * 60
        public init() {}
    }

    private let configuration: Configuration
    private let now: @Sendable () -> Date
    private var failures: [String: [Date]] = [:]

    public init(configuration: Configuration = .init(), now: @escaping @Sendable () -> Date = Date.init) {
        self.configuration = configuration
        self.now = now
    }

    public func check(account: String, clientIP: String?) throws {
        let current = now()
        for (key, limit) in keys(account: account, clientIP: clientIP) {
            let recent = prune(key, at: current)
            if recent.count >= limit, let oldest = recent.first {
                let retryAfter = Int((oldest.addingTimeInterval(configuration.window).timeIntervalSince(current)).rounded(.up))
                throw SluiceError.tooManyRequests(
                    "Too many failed logins; try again later.", retryAfterSeconds: retryAfter, kind: "login-throttled"
                )
            }
        }
    }

    public func recordFailure(account: String, clientIP: String?) {
        let current = now()
        for (key, limit) in keys(account: account, clientIP: clientIP) {
            var recent = prune(key, at: current)
            recent.append(current)
            failures[key] = Array(recent.suffix(limit))
        }
        if failures.count > 100_000 { failures = failures.filter { !prune($0.key, at: current).isEmpty } }
    }

    public func recordSuccess(account: String) {
        failures[Self.accountKey(account)] = nil
    }

    private func keys(account: String, clientIP: String?) -> [(String, Int)] {
        var keys = [(Self.accountKey(account), configuration.failuresPerAccount)]
        if let clientIP { keys.append(("ip:" + clientIP, configuration.failuresPerIP)) }
        return keys
    }

    private static func accountKey(_ account: String) -> String { "account:" + account.lowercased() }

    private func prune(_ key: String, at current: Date) -> [Date] {
        let cutoff = current.addingTimeInterval(-configuration.window)
        let recent = (failures[key] ?? []).filter { $0 > cutoff }
        failures[key] = recent.isEmpty ? nil : recent
        return recent
    }
}
