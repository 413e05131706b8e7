import Crypto
import Foundation
import Logging
import PostgresNIO
import SluiceDatabase

/// The keys that authenticate the audit chain (HMAC-SHA256 over each entry's chain hash),
/// held by the application and never by the database: one signs new entries, every one
/// configured verifies (so that a key can be rotated without breaking older entries).
public struct AuditKeys: Sendable {
    public var keys: [String: [UInt8]]
    public var signingKeyID: String

    public init(keys: [String: [UInt8]], signingKeyID: String) {
        self.keys = keys
        self.signingKeyID = signingKeyID
    }

    /// Keys derived from the JWT secrets, for a server that configured no audit key: every
    /// configured JWT key verifies, the signing one signs. Entries outlive JWT keys, so set
    /// `SLUICE_AUDIT_KEYS` in production: once a JWT key is dropped, entries keyed by it no
    /// longer verify.
    public static func derived(fromJWTKeys keys: [AccessTokens.Key], signingKeyID: String) -> AuditKeys {
        var derived: [String: [UInt8]] = [:]
        for key in keys { derived["jwt-" + key.id] = Array(SHA256.hash(data: Array("sluice audit chain ".utf8) + key.secret)) }
        return AuditKeys(keys: derived, signingKeyID: "jwt-" + signingKeyID)
    }

    func mac(_ hash: [UInt8], keyID: String) -> [UInt8]? {
        keys[keyID].map { Array(HMAC<SHA256>.authenticationCode(for: hash, using: SymmetricKey(data: $0))) }
    }
}

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
        tenantID: UUID,
        actor: AuditActor,
        action: String,
        targetType: String? = nil,
        targetID: String? = nil,
        details: [String: String] = [:],
        origin: RequestOrigin
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

extension AuditRecord {
    /// A user's own session (signing in or out, switching tenants), through the API or the
    /// dashboard: the user is both who acts and what is acted on.
    package static func session(
        _ action: String,
        userID: UUID,
        email: String?,
        tenantID: UUID,
        details: [String: String] = [:],
        origin: RequestOrigin
    ) -> AuditRecord {
        AuditRecord(
            tenantID: tenantID,
            actor: .init(type: .user, id: userID.lowercased, label: email),
            action: action,
            targetType: "user",
            targetID: userID.lowercased,
            details: details,
            origin: origin
        )
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

/// The append-only, hash-chained audit log (migrations 0002 and 0014).
///
/// Appends go through the SQL function `audit_append`, which serialises a tenant's writers on
/// its chain head so that the chain never forks; each entry's chain hash is then authenticated
/// with an HMAC under a key the database does not hold (`AuditKeys`). Append inside the
/// transaction of the action it records, so that one is never committed without the other.
///
/// What verification proves: no entry from a tenant's first keyed one on was changed, removed
/// from the middle or inserted, even by someone who can write to the database and recompute
/// the hashes. What it cannot: that the newest entries were not all removed together (compare
/// the `checked` count or the chain head with a copy kept elsewhere), nor anything about
/// entries written before keys existed (counted apart, as unkeyed).
public struct AuditLog: Sendable {
    let client: Database
    let logger: Logger
    let keys: AuditKeys

    package init(client: Database, logger: Logger, keys: AuditKeys) {
        self.client = client
        self.logger = logger
        self.keys = keys
    }

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
        /// Entries whose MAC was checked against the key.
        public var keyed: Int64 = 0
    }

    @discardableResult
    public func append(_ record: AuditRecord, on connection: PostgresConnection) async throws -> Int64 {
        let details = String(decoding: try JSONEncoder().encode(record.details), as: UTF8.self)
        let rows = try await connection.query(
            """
            SELECT audit_append(\(record.tenantID), \(record.actor.type), \(record.actor.id),
                \(record.actor.label), \(record.action), \(record.targetType), \(record.targetID),
                \(details)::jsonb, \(record.origin.clientIP), \(record.origin.requestID))
            """,
            logger: logger
        )
        var appended: Int64?
        for try await seq in rows.decode(Int64.self) { appended = seq }
        guard let seq = appended else { throw SluiceError.internalError }
        let stored = try await connection.query(
            "SELECT hash FROM audit_log WHERE tenant_id = \(record.tenantID) AND seq = \(seq)",
            logger: logger
        )
        var hash: [UInt8]?
        for try await buffer in stored.decode(ByteBuffer.self) { hash = Array(buffer: buffer) }
        guard let hash, let mac = keys.mac(hash, keyID: keys.signingKeyID) else { throw SluiceError.internalError }
        try await connection.query(
            "INSERT INTO audit_macs (tenant_id, seq, key_id, mac) VALUES (\(record.tenantID), \(seq), \(keys.signingKeyID), \(ByteBuffer(bytes: mac)))",
            logger: logger
        )
        return seq
    }

    /// Appends in a transaction of its own (for events that change nothing else, e.g. a failed login).
    @discardableResult
    public func append(_ record: AuditRecord) async throws -> Int64 {
        try await client.transaction(logger: logger) { connection in try await append(record, on: connection) }
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
            (Int64, Date, AuditActor.Kind, String?, String?, String, String?, String?, String, String?, String?, ByteBuffer).self
        ) {
            let details = (try? decoder.decode([String: String].self, from: Data(row.8.utf8))) ?? [:]
            entries.append(
                AuditEntry(
                    seq: row.0,
                    occurredAt: row.1,
                    actor: AuditActor(type: row.2, id: row.3, label: row.4),
                    action: row.5,
                    targetType: row.6,
                    targetID: row.7,
                    details: details,
                    clientIP: row.9,
                    requestID: row.10,
                    hash: Array(buffer: row.11)
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
            SELECT l.seq, l.prev_hash, l.hash,
                   audit_entry_hash(l.prev_hash, l.tenant_id, l.seq, l.occurred_at, l.actor_type, l.actor_id, l.actor_label,
                                    l.action, l.target_type, l.target_id, l.details, l.client_ip, l.request_id),
                   m.key_id, m.mac
            FROM audit_log l LEFT JOIN audit_macs m ON m.tenant_id = l.tenant_id AND m.seq = l.seq
            WHERE l.tenant_id = \(tenantID) ORDER BY l.seq
            """,
            logger: logger
        )
        var expectedPrevious = [UInt8](repeating: 0, count: 32)
        var expectedSeq: Int64 = 1
        var checked: Int64 = 0
        var keyed: Int64 = 0
        for try await (seq, previous, stored, computed, keyID, mac) in rows.decode(
            (Int64, ByteBuffer, ByteBuffer, ByteBuffer, String?, ByteBuffer?).self
        ) {
            checked += 1
            func broken(_ reason: String) -> Verification {
                .init(valid: false, checked: checked, firstBrokenSeq: seq, reason: reason, keyed: keyed)
            }
            if let keyID, let mac {
                guard let expected = keys.mac(Array(buffer: stored), keyID: keyID) else {
                    return broken("entry \(seq) is keyed with '\(keyID)', which this server does not hold (SLUICE_AUDIT_KEYS)")
                }
                // Constant time is not needed here (nothing secret is compared), equality is.
                if expected != Array(buffer: mac) { return broken("entry \(seq) was rewritten (its MAC does not match)") }
                keyed += 1
            } else if keyed > 0 {
                return broken("entry \(seq) has no MAC, though entries before it do")
            }
            if seq != expectedSeq {
                return .init(valid: false, checked: checked, firstBrokenSeq: expectedSeq, reason: "entry \(expectedSeq) is missing", keyed: keyed)
            }
            if Array(buffer: previous) != expectedPrevious {
                return .init(
                    valid: false,
                    checked: checked,
                    firstBrokenSeq: seq,
                    reason: "entry \(seq) does not point at its predecessor",
                    keyed: keyed
                )
            }
            if Array(buffer: computed) != Array(buffer: stored) {
                return .init(valid: false, checked: checked, firstBrokenSeq: seq, reason: "entry \(seq) was altered", keyed: keyed)
            }
            expectedPrevious = Array(buffer: stored)
            expectedSeq += 1
        }
        let head = try await client.query(
            "SELECT seq, hash FROM audit_chain_heads WHERE tenant_id = \(tenantID)",
            logger: logger
        )
        for try await (headSeq, headHash) in head.decode((Int64, ByteBuffer).self) {
            if headSeq != expectedSeq - 1 || Array(buffer: headHash) != expectedPrevious {
                return .init(
                    valid: false,
                    checked: checked,
                    firstBrokenSeq: expectedSeq,
                    reason: "the chain ends at \(expectedSeq - 1) but its head says \(headSeq)",
                    keyed: keyed
                )
            }
        }
        return .init(valid: true, checked: checked, firstBrokenSeq: nil, reason: nil, keyed: keyed)
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
