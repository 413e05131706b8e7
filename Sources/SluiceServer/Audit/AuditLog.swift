import Foundation
import Logging
import PostgresNIO

/// Who did something, as the audit log records it.
public struct AuditActor: Sendable, Equatable {
    public enum Kind: String, Sendable { case user, apiKey, anonymous, system }
    public var type: Kind
    public var id: String?
    public var label: String?

    public static func anonymous(label: String? = nil) -> Self { .init(type: .anonymous, id: nil, label: label) }
    public static let system = AuditActor(type: .system, id: nil, label: "sluice")
}

/// Where a request came from, for the audit trail.
public struct RequestOrigin: Sendable {
    public var clientIP: String?
    public var requestID: String?
    public init(clientIP: String? = nil, requestID: String? = nil) {
        self.clientIP = clientIP
        self.requestID = requestID
    }
    public static let commandLine = RequestOrigin(clientIP: nil, requestID: "cli")
}

/// One entry to append.
public struct AuditRecord: Sendable {
    public var tenantID: UUID
    public var actor: AuditActor
    public var action: String
    public var targetType: String?
    public var targetID: String?
    public var details: [String: String]
    public var origin: RequestOrigin

    public init(
        tenantID: UUID, actor: AuditActor, action: String, targetType: String? = nil, targetID: String? = nil,
        details: [String: String] = [:], origin: RequestOrigin
    ) {
        self.tenantID = tenantID
        self.actor = actor
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.details = details
        self.origin = origin
    }
}

/// An entry as stored.
public struct AuditEntry: Sendable {
    public var seq: Int64
    public var occurredAt: Date
    public var actor: AuditActor
    public var action: String
    public var targetType: String?
    public var targetID: String?
    public var details: [String: String]
    public var clientIP: String?
    public var requestID: String?
    public var hash: [UInt8]
}

/// The append-only, hash-chained audit log (migration 0002).
///
/// Appends go through the SQL function `audit_append`, which serialises a tenant's writers on
/// its chain head so that the chain never forks. Append inside the transaction of the action
/// it records, so that one is never committed without the other.
public struct AuditLog: Sendable {
    let client: PostgresClient
    let logger: Logger

    public struct Filter: Sendable {
        public var actorID: String?
        /// An exact action, or a prefix ending in `.*`.
        public var action: String?
        public var since: Date?
        public var until: Date?
        public init(actorID: String? = nil, action: String? = nil, since: Date? = nil, until: Date? = nil) {
            self.actorID = actorID
            self.action = action
            self.since = since
            self.until = until
        }
    }

    public struct Verification: Sendable, Equatable {
        public var valid: Bool
        public var checked: Int64
        public var firstBrokenSeq: Int64?
        public var reason: String?
    }

    @discardableResult
    public func append(_ record: AuditRecord, on connection: PostgresConnection) async throws -> Int64 {
        let details = String(decoding: try JSONEncoder().encode(record.details), as: UTF8.self)
        let rows = try await connection.query(
            """
            SELECT audit_append(\(record.tenantID), \(record.actor.type.rawValue), \(record.actor.id),
                \(record.actor.label), \(record.action), \(record.targetType), \(record.targetID),
                \(details)::jsonb, \(record.origin.clientIP), \(record.origin.requestID))
            """,
            logger: logger
        )
        for try await seq in rows.decode(Int64.self) { return seq }
        throw SluiceError.internalError
    }

    /// Appends in a transaction of its own (for events that change nothing else, e.g. a failed login).
    @discardableResult
    public func append(_ record: AuditRecord) async throws -> Int64 {
        try await client.withConnection { connection in try await append(record, on: connection) }
    }

    /// Newest first, `limit` entries before the cursor (a seq).
    public func list(tenantID: UUID, filter: Filter, before cursor: Int64?, limit: Int) async throws -> [AuditEntry] {
        let actionPattern: String? = filter.action.map { action in
            if action.hasSuffix(".*") {
                return Self.escapeLike(String(action.dropLast(2))) + ".%"
            }
            return Self.escapeLike(action)
        }
        let rows = try await client.query(
            """
            SELECT seq, occurred_at, actor_type, actor_id, actor_label, action, target_type, target_id,
                   details::text, client_ip, request_id, hash
            FROM audit_log
            WHERE tenant_id = \(tenantID)
              AND (\(cursor)::bigint IS NULL OR seq < \(cursor))
              AND (\(filter.actorID)::text IS NULL OR actor_id = \(filter.actorID))
              AND (\(actionPattern)::text IS NULL OR action LIKE \(actionPattern))
              AND (\(filter.since)::timestamptz IS NULL OR occurred_at >= \(filter.since))
              AND (\(filter.until)::timestamptz IS NULL OR occurred_at < \(filter.until))
            ORDER BY seq DESC
            LIMIT \(limit)
            """,
            logger: logger
        )
        var entries: [AuditEntry] = []
        let decoder = JSONDecoder()
        for try await row in rows.decode(
            (Int64, Date, String, String?, String?, String, String?, String?, String, String?, String?, ByteBuffer).self
        ) {
            let details = (try? decoder.decode([String: String].self, from: Data(row.8.utf8))) ?? [:]
            entries.append(
                AuditEntry(
                    seq: row.0, occurredAt: row.1,
                    actor: AuditActor(type: AuditActor.Kind(rawValue: row.2) ?? .system, id: row.3, label: row.4),
                    action: row.5, targetType: row.6, targetID: row.7, details: details,
                    clientIP: row.9, requestID: row.10, hash: Array(buffer: row.11)
                )
            )
        }
        return entries
    }

    /// Recomputes the tenant's chain from the first entry and names the first entry that
    /// does not follow: a changed field, a changed or missing predecessor, or a missing tail.
    public func verify(tenantID: UUID) async throws -> Verification {
        let rows = try await client.query(
            """
            SELECT seq, prev_hash, hash,
                   audit_entry_hash(prev_hash, tenant_id, seq, occurred_at, actor_type, actor_id, actor_label,
                                    action, target_type, target_id, details, client_ip, request_id)
            FROM audit_log WHERE tenant_id = \(tenantID) ORDER BY seq
            """,
            logger: logger
        )
        var expectedPrevious = [UInt8](repeating: 0, count: 32)
        var expectedSeq: Int64 = 1
        var checked: Int64 = 0
        for try await (seq, previous, stored, computed) in rows.decode((Int64, ByteBuffer, ByteBuffer, ByteBuffer).self) {
            checked += 1
            if seq != expectedSeq {
                return .init(valid: false, checked: checked, firstBrokenSeq: expectedSeq, reason: "entry \(expectedSeq) is missing")
            }
            if Array(buffer: previous) != expectedPrevious {
                return .init(valid: false, checked: checked, firstBrokenSeq: seq, reason: "entry \(seq) does not point at its predecessor")
            }
            if Array(buffer: computed) != Array(buffer: stored) {
                return .init(valid: false, checked: checked, firstBrokenSeq: seq, reason: "entry \(seq) was altered")
            }
            expectedPrevious = Array(buffer: stored)
            expectedSeq += 1
        }
        let head = try await client.query(
            "SELECT seq, hash FROM audit_chain_heads WHERE tenant_id = \(tenantID)", logger: logger
        )
        for try await (headSeq, headHash) in head.decode((Int64, ByteBuffer).self) {
            if headSeq != expectedSeq - 1 || Array(buffer: headHash) != expectedPrevious {
                return .init(
                    valid: false, checked: checked, firstBrokenSeq: expectedSeq,
                    reason: "the chain ends at \(expectedSeq - 1) but its head says \(headSeq)"
                )
            }
        }
        return .init(valid: true, checked: checked, firstBrokenSeq: nil, reason: nil)
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
