import Foundation
import PostgresNIO
import SluiceCore
import SluiceJSON
import SluicePlatforms

/// A pull source: polls an HTTP JSON API for each of its entities (an account, a post) every
/// `intervalSeconds`, and maps each answer into one event of its stream in the normalized
/// social shape, so that the analytics (latest values, growth) work on it as on pushed events.
package struct PullSource: Sendable, Equatable {
    package enum State: String, Sendable { case active, paused }

    var tenantID: UUID
    package var id: UUID
    var streamID: UUID
    package var name: String
    /// `http(s)` with `{entity}` in its path or query, where the entity's id goes percent-encoded.
    package var urlTemplate: String
    /// Sent with every request, shown on reads.
    package var headers: [String: String]
    /// The names of the headers sent from the sealed secret set (their values are never shown).
    package var secretHeaderNames: [String]
    package var intervalSeconds: Int
    /// Each entity's next poll is up to this much later than the interval, so that a source's
    /// entities spread over time rather than fire together.
    package var jitterSeconds: Int
    package var timeoutMilliseconds: Int
    /// Requests of the source in flight at once, across every worker.
    package var concurrency: Int
    /// Requests started per minute at most, across every worker: they are paced evenly.
    package var requestsPerMinute: Int
    /// The first retry of a failed poll comes this long after it, doubling per failure, at most
    /// the interval.
    package var retryInitialSeconds: Int
    package var mapping: PullMapping
    package var state: State
    package var rateLimitedUntil: Date?
    package var createdAt: Date
    package var updatedAt: Date

    static let maxHeaders = 20
    static let maxEntities = 10_000
    static let maxResponseBytes = 1 << 20

    /// The spacing of requests that keeps within the budget.
    var spacing: Duration { .milliseconds(60_000 / requestsPerMinute) }

    /// When its entities are polled next after each outcome.
    var backoff: PullBackoff {
        PullBackoff(intervalSeconds: intervalSeconds, jitterSeconds: jitterSeconds, retryInitialSeconds: retryInitialSeconds)
    }

    /// The request URL for an entity: its id percent-encoded (every character but the
    /// unreserved ones), so it cannot leave its place in the path or query.
    func url(for entity: String) -> String {
        urlTemplate.replacingOccurrences(of: PullURL.placeholder, with: PullURL.encode(entity))
    }
}

/// How a source's answer becomes an event: the normalized social shape (`SocialEvent`), its
/// account or content the polled entity, metrics read at JSON pointers into the answer.
package struct PullMapping: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable { case account, post }

    package var platform: SocialEvent.Platform
    package var kind: Kind
    /// Metric name → JSON pointer (RFC 6901) to a number in the answer.
    package var metrics: [String: String]
    /// A pointer to the account's handle, if the answer has one.
    package var handle: String?
    /// For posts: a pointer to the id of the post's account (required).
    package var account: String?

    struct Failure: Error, Equatable {
        var message: String
    }

    /// The event for one answer: `id` is the run's (a retried append is one event).
    func event(entity: String, answer: JSONValue, at date: Date, id: UUID) throws(Failure) -> IncomingEvent {
        var metricValues: [String: Int64] = [:]
        for (name, pointer) in metrics {
            guard let value = JSONPointer.resolve(pointer, in: answer) else {
                throw Failure(message: "The answer has nothing at \(pointer) (metric '\(name)').")
            }
            guard let number = value.numberValue?.double ?? value.stringValue.flatMap(Double.init), number.isFinite,
                abs(number) < 9e15
            else { throw Failure(message: "The answer's \(pointer) (metric '\(name)') is not a number.") }
            metricValues[name] = Int64(number.rounded())
        }
        func text(_ pointer: String?) -> String? {
            guard let pointer, let value = JSONPointer.resolve(pointer, in: answer) else { return nil }
            if let string = value.stringValue { return String(string.prefix(200)) }
            return value.numberValue?.literal
        }
        let accountID: String
        var contentID: String?
        switch kind {
        case .account:
            accountID = entity
        case .post:
            guard let id = text(account), !id.isEmpty else {
                throw Failure(message: "The answer has no account id at \(account ?? "(none)").")
            }
            accountID = id
            contentID = entity
        }
        let social = SocialEvent(
            platform: platform,
            kind: kind == .account ? .account : .post,
            accountID: accountID,
            accountHandle: text(handle),
            contentID: contentID,
            metrics: metricValues,
            occurredAt: date,
            raw: answer
        )
        var incoming = social.incoming(index: 0, pointer: "")
        incoming.id = id
        incoming.source = "sluice:pull"
        return incoming
    }
}

enum PullURL {
    static let placeholder = "{entity}"
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~")

    static func encode(_ entity: String) -> String {
        // "." too: an entity "." or ".." must not walk the path.
        entity.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// A template is an http(s) URL with `{entity}` after its host, that reaches a public
    /// address unless private networks are allowed.
    static func check(_ template: String, allowPrivateNetworks: Bool) throws -> String {
        guard template.contains(placeholder) else {
            throw SluiceError.badRequest("The URL needs {entity} where the entity's id goes.", pointer: "/url")
        }
        // As long as the placeholder, so that the 2,000-character limit holds for the template.
        let marker = "xentityx"
        let sample = template.replacingOccurrences(of: placeholder, with: marker)
        _ = try WebhookURL.check(sample, allowPrivateNetworks: allowPrivateNetworks)
        guard let host = URLComponents(string: sample)?.host, !host.lowercased().contains(marker) else {
            throw SluiceError.badRequest("{entity} goes in the URL's path or query, not its host.", pointer: "/url")
        }
        return WebhookURL.lowercasingScheme(template)
    }
}

/// Settings of a source as a request gives them; nil: unchanged (or, on creation, the default).
package struct PullSourceSettings: Sendable {
    var url: String?
    var headers: [String: String]?
    var secretHeaders: [String: String]?
    var intervalSeconds: Int?
    var jitterSeconds: Int?
    var timeoutMilliseconds: Int?
    var concurrency: Int?
    var requestsPerMinute: Int?
    var retryInitialSeconds: Int?
    var mapping: PullMappingSettings?

    package init(
        url: String? = nil,
        headers: [String: String]? = nil,
        secretHeaders: [String: String]? = nil,
        intervalSeconds: Int? = nil,
        jitterSeconds: Int? = nil,
        timeoutMilliseconds: Int? = nil,
        concurrency: Int? = nil,
        requestsPerMinute: Int? = nil,
        retryInitialSeconds: Int? = nil,
        mapping: PullMappingSettings? = nil
    ) {
        self.url = url
        self.headers = headers
        self.secretHeaders = secretHeaders
        self.intervalSeconds = intervalSeconds
        self.jitterSeconds = jitterSeconds
        self.timeoutMilliseconds = timeoutMilliseconds
        self.concurrency = concurrency
        self.requestsPerMinute = requestsPerMinute
        self.retryInitialSeconds = retryInitialSeconds
        self.mapping = mapping
    }
}

package struct PullMappingSettings: Sendable {
    var platform: String
    var kind: String?
    var metrics: [String: String]
    var handle: String?
    var account: String?

    package init(platform: String, kind: String? = nil, metrics: [String: String], handle: String? = nil, account: String? = nil) {
        self.platform = platform
        self.kind = kind
        self.metrics = metrics
        self.handle = handle
        self.account = account
    }

    func mapping() throws -> PullMapping {
        guard let platform = SocialEvent.Platform(rawValue: platform) else {
            throw SluiceError.badRequest(
                "platform is one of \(SocialEvent.Platform.allCases.map(\.rawValue).joined(separator: ", ")).",
                pointer: "/mapping/platform"
            )
        }
        guard let kind = PullMapping.Kind(rawValue: kind ?? "account") else {
            throw SluiceError.badRequest("kind is account or post.", pointer: "/mapping/kind")
        }
        guard (1...50).contains(metrics.count) else {
            throw SluiceError.badRequest("Map 1 to 50 metrics.", pointer: "/mapping/metrics")
        }
        for (name, pointer) in metrics {
            let at = "/mapping/metrics/" + JSONPointer.escape(name)
            guard name.range(of: "^[A-Za-z][A-Za-z0-9_]{0,63}$", options: .regularExpression) != nil else {
                throw SluiceError.badRequest("A metric name is a letter and up to 63 letters, digits or '_'.", pointer: at)
            }
            try Self.checkPointer(pointer, at: at)
        }
        if let handle { try Self.checkPointer(handle, at: "/mapping/handle") }
        if let account { try Self.checkPointer(account, at: "/mapping/account") }
        if kind == .post, account == nil {
            throw SluiceError.badRequest("A post's mapping needs account: a pointer to its account's id.", pointer: "/mapping/account")
        }
        return PullMapping(platform: platform, kind: kind, metrics: metrics, handle: handle, account: account)
    }

    static func checkPointer(_ pointer: String, at: String) throws {
        guard pointer.isEmpty || pointer.utf8.first == UInt8(ascii: "/"), pointer.unicodeScalars.count <= 500 else {
            throw SluiceError.badRequest("A JSON pointer (RFC 6901): empty or starting with '/', at most 500 characters.", pointer: at)
        }
    }
}

/// Header names are RFC 9110 tokens; values have no line breaks. A few are the client's own.
enum PullHeaders {
    static let reserved: Set<String> = ["host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer"]

    static func check(_ headers: [String: String], pointer: String) throws {
        guard headers.count <= PullSource.maxHeaders else {
            throw SluiceError.badRequest("At most \(PullSource.maxHeaders) headers.", pointer: pointer)
        }
        for (name, value) in headers {
            let at = pointer + "/" + JSONPointer.escape(name)
            guard name.range(of: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$", options: .regularExpression) != nil else {
                throw SluiceError.badRequest("'\(name.prefix(100))' is not a header name.", pointer: at)
            }
            guard !reserved.contains(name.lowercased()) else {
                throw SluiceError.badRequest("\(name) is set by Sluice itself.", pointer: at)
            }
            guard value.unicodeScalars.count <= 4096, !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                throw SluiceError.badRequest("A header value has at most 4,096 characters and no line breaks.", pointer: at)
            }
        }
    }
}

/// An entity of a source, with how its polling goes.
package struct PullEntity: Sendable {
    package var entity: String
    package var nextRunAt: Date
    package var failures: Int
    package var polling: Bool
    package var lastRunAt: Date?
    package var lastSuccessAt: Date?
    package var lastStatus: Int?
    package var lastError: String?

    /// 1 to 200 characters, none of them control characters.
    static func check(_ entity: String, pointer: String) throws {
        guard (1...200).contains(entity.unicodeScalars.count), !entity.unicodeScalars.contains(where: Validate.isControl) else {
            throw SluiceError.badRequest("An entity id has 1 to 200 characters, none of them control characters.", pointer: pointer)
        }
    }
}

/// One request of a source for one entity, and what came of it.
package struct PullRun: Sendable {
    package enum Outcome: String, Sendable {
        case ok, failed, timeout
        case rateLimited = "rate-limited"
    }

    package var id: UUID
    package var entity: String
    package var startedAt: Date
    package var durationMs: Int
    package var outcome: Outcome
    package var httpStatus: Int?
    package var error: String?
    package var eventID: UUID?
}

enum RetryAfter {
    /// RFC 9110 `Retry-After`: seconds, or an HTTP date; nil when absent or unreadable.
    static func seconds(_ value: String?, now: Date = Date()) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return Double(max(0, seconds)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSince(now)) }
    }
}

extension PullSource.State: PostgresCodable {}
extension PullRun.Outcome: PostgresCodable {}
