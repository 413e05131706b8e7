import Foundation
import Logging
import PostgresNIO
import SluiceDatabase
import SluiceJSON

/// The schema registry: per stream and event type, numbered JSON Schema versions, each new one
/// checked against the stream's compatibility mode. Every change is audited.
public struct SchemaRegistry: Sendable {
    let client: Database
    let logger: Logger
    let audit: AuditLog
    let streams: StreamService
    let cache: SchemaCache

    package init(client: Database, logger: Logger, audit: AuditLog, streams: StreamService, cache: SchemaCache) {
        self.client = client
        self.logger = logger
        self.audit = audit
        self.streams = streams
        self.cache = cache
    }

    var schemas: SchemaRepository { .init(logger: logger) }

    /// Compiles a candidate, or 400 pointing into it.
    static func compile(_ schema: JSONValue, pointer: String = "/schema") throws -> JSONSchema {
        do {
            return try JSONSchema(schema)
        } catch {
            throw SluiceError.badRequest("The schema is not usable: \(error.reason).", pointer: pointer + error.pointer)
        }
    }

    static func eventType(_ text: String) throws -> String {
        guard InputBounds.eventType.contains(text.unicodeScalars.count) else {
            throw SluiceError.badRequest("An event type has 1 to \(InputBounds.eventType.max) bytes.", pointer: "/eventType")
        }
        return text
    }

    /// Registers `schema` as the next version, or returns the latest if identical (`created` false).
    package func register(
        identity: Identity,
        streamName: String,
        eventType: String,
        schema: JSONValue,
        origin: RequestOrigin
    ) async throws -> (SchemaVersion, created: Bool) {
        try identity.require(.streamsManage)
        let stream = try await streams.get(identity: identity, name: streamName)
        let eventType = try Self.eventType(eventType)
        _ = try Self.compile(schema)
        let canonical = schema.canonicalText
        let fingerprint = Secrets.hash(canonical).hex
        let result = try await client.transaction(logger: logger) { connection in
            try await schemas.lock(tenantID: stream.tenantID, streamID: stream.id, eventType: eventType, on: connection)
            let live = try await schemas.versions(
                tenantID: stream.tenantID,
                streamID: stream.id,
                eventType: eventType,
                includeDeleted: false,
                withSchemas: true,
                on: connection
            )
            if let latest = live.last, latest.fingerprint == fingerprint { return (latest, false) }
            let violations = try Self.violations(of: schema, against: live, mode: stream.compatibility)
            guard violations.isEmpty else {
                throw SluiceError(
                    kind: .incompatibleSchema,
                    status: .conflict,
                    title: "Incompatible schema",
                    detail: "The schema breaks \(stream.compatibility.rawValue) compatibility: \(violations[0].detail)",
                    fieldErrors: violations
                )
            }
            let version = SchemaVersion(
                eventType: eventType,
                version: try await schemas.nextVersion(tenantID: stream.tenantID, streamID: stream.id, eventType: eventType, on: connection),
                schema: canonical,
                fingerprint: fingerprint,
                createdAt: Date(),
                deleted: false
            )
            try await schemas.insert(
                tenantID: stream.tenantID,
                streamID: stream.id,
                version,
                createdBy: identity.auditActor.id ?? "sluice",
                on: connection
            )
            try await audit.append(
                AuditRecord(
                    tenantID: identity.tenantID,
                    actor: identity.auditActor,
                    action: "schema.registered",
                    targetType: "stream",
                    targetID: stream.id.lowercased,
                    details: ["stream": stream.name, "eventType": eventType, "version": String(version.version), "fingerprint": fingerprint],
                    origin: origin
                ),
                on: connection
            )
            return (version, true)
        }
        await cache.invalidate(streamID: stream.id, eventType: eventType)
        return result
    }

    /// Every broken rule, as field errors pointing into the candidate (`/schema/…`).
    static func violations(of candidate: JSONValue, against live: [SchemaVersion], mode: Stream.Compatibility) throws -> [SluiceError.FieldError] {
        var errors: [SluiceError.FieldError] = []
        for earlier in versionsChecked(live, mode: mode) {
            let old = try JSONParser.parse(earlier.schema ?? "true")
            var found: [SchemaCompatibility.Violation] = []
            if [.backward, .backwardTransitive, .full, .fullTransitive].contains(mode) {
                found += SchemaCompatibility.violations(reader: candidate, writer: old)
            }
            if [.forward, .forwardTransitive, .full, .fullTransitive].contains(mode) {
                found += SchemaCompatibility.violations(reader: old, writer: candidate).map { violation in
                    var violation = violation
                    violation.message = "data valid under the new schema would fail version \(earlier.version): " + violation.message
                    return violation
                }
            }
            errors += found.map {
                .init(pointer: "/schema" + $0.pointer, detail: "\($0.rule) against version \(earlier.version): \($0.message)")
            }
        }
        return errors
    }

    /// The live versions a mode compares a candidate with: none, the latest, or all.
    static func versionsChecked(_ live: [SchemaVersion], mode: Stream.Compatibility) -> [SchemaVersion] {
        switch mode {
        case .none: []
        case .backward, .forward, .full: Array(live.suffix(1))
        case .backwardTransitive, .forwardTransitive, .fullTransitive: live
        }
    }

    package func list(identity: Identity, streamName: String, eventType: String?, includeDeleted: Bool) async throws -> [SchemaVersion] {
        try identity.require(.streamsRead)
        let stream = try await streams.get(identity: identity, name: streamName)
        return try await client.withConnection { connection in
            try await schemas.versions(
                tenantID: stream.tenantID,
                streamID: stream.id,
                eventType: eventType,
                includeDeleted: includeDeleted,
                withSchemas: eventType != nil,
                on: connection
            )
        }
    }

    /// One version; a soft-deleted one only when `includeDeleted` asks for it (else 404, as
    /// after any delete).
    package func get(identity: Identity, streamName: String, eventType: String, version: Int, includeDeleted: Bool) async throws -> SchemaVersion {
        let versions = try await list(identity: identity, streamName: streamName, eventType: eventType, includeDeleted: includeDeleted)
        guard let found = versions.first(where: { $0.version == version }) else {
            throw SluiceError.notFound("Version \(version) of the schema for '\(eventType.prefix(100))'")
        }
        return found
    }

    package func delete(identity: Identity, streamName: String, eventType: String, version: Int, origin: RequestOrigin) async throws {
        try identity.require(.streamsManage)
        let stream = try await streams.get(identity: identity, name: streamName)
        try await client.transaction(logger: logger) { connection in
            guard
                try await schemas.markDeleted(tenantID: stream.tenantID, streamID: stream.id, eventType: eventType, version: version, on: connection)
            else {
                throw SluiceError.notFound("Version \(version) of the schema for '\(eventType.prefix(100))'")
            }
            try await audit.append(
                AuditRecord(
                    tenantID: identity.tenantID,
                    actor: identity.auditActor,
                    action: "schema.deleted",
                    targetType: "stream",
                    targetID: stream.id.lowercased,
                    details: ["stream": stream.name, "eventType": eventType, "version": String(version)],
                    origin: origin
                ),
                on: connection
            )
        }
        await cache.invalidate(streamID: stream.id, eventType: eventType)
    }

    package struct Report: Sendable {
        package var compatible: Bool
        package var mode: Stream.Compatibility
        package var checkedVersions: [Int]
        package var errors: [SluiceError.FieldError]
        package var samples: [[SluiceError.FieldError]]
    }

    /// Compiles and checks a candidate without registering it; validates sample payloads.
    package func test(
        identity: Identity,
        streamName: String,
        eventType: String,
        schema: JSONValue,
        mode: Stream.Compatibility?,
        samples: [JSONValue]
    ) async throws -> Report {
        try identity.require(.streamsRead)
        let stream = try await streams.get(identity: identity, name: streamName)
        let compiled = try Self.compile(schema)
        let mode = mode ?? stream.compatibility
        let live = try await client.withConnection { connection in
            try await schemas.versions(
                tenantID: stream.tenantID,
                streamID: stream.id,
                eventType: eventType,
                includeDeleted: false,
                withSchemas: true,
                on: connection
            )
        }
        let errors = try Self.violations(of: schema, against: live, mode: mode)
        return Report(
            compatible: errors.isEmpty,
            mode: mode,
            checkedVersions: Self.versionsChecked(live, mode: mode).map(\.version),
            errors: errors,
            samples: samples.enumerated().map { index, sample in
                compiled.validate(sample).map { .init(pointer: "/samples/\(index)" + $0.instancePath, detail: $0.message) }
            }
        )
    }
}

/// Compiled schemas for ingest, per stream and event type, kept for a short time: a change on
/// this node takes effect at once, one on another node within `timeToLive`.
public actor SchemaCache {
    enum Lookup: Sendable {
        case schema(version: Int, JSONSchema)
        case noSchema
        case unknownVersion(Int)
    }

    private struct Key: Hashable {
        var streamID: UUID
        var eventType: String
    }

    private struct Entry {
        var versions: [Int: JSONSchema]
        var latest: Int?
        var expires: ContinuousClock.Instant
    }

    private var entries: [Key: Entry] = [:]
    private let client: Database
    private let logger: Logger
    private let timeToLive: Duration

    package init(client: Database, logger: Logger, timeToLive: Duration = .seconds(2)) {
        self.client = client
        self.logger = logger
        self.timeToLive = timeToLive
    }

    func lookup(stream: Stream, eventType: String, version: Int?) async throws -> Lookup {
        let key = Key(streamID: stream.id, eventType: eventType)
        let now = ContinuousClock.now
        var entry = entries[key]
        if entry == nil || entry!.expires <= now {
            let stored = try await client.withConnection { [logger] connection in
                try await SchemaRepository(logger: logger).versions(
                    tenantID: stream.tenantID,
                    streamID: stream.id,
                    eventType: eventType,
                    includeDeleted: false,
                    withSchemas: true,
                    on: connection
                )
            }
            var versions: [Int: JSONSchema] = [:]
            for version in stored {
                // Registered schemas compiled when registered; one that no longer does is skipped, loudly.
                do {
                    versions[version.version] = try JSONSchema(try JSONParser.parse(version.schema ?? "true"))
                } catch {
                    logger.error("stored schema does not compile", metadata: ["eventType": "\(eventType)", "version": "\(version.version)"])
                }
            }
            if entries.count > 10_000 { entries.removeAll(keepingCapacity: true) }
            entry = Entry(versions: versions, latest: stored.last?.version, expires: now + timeToLive)
            entries[key] = entry
        }
        guard let entry else { return .noSchema }
        if let version {
            guard let schema = entry.versions[version] else { return .unknownVersion(version) }
            return .schema(version: version, schema)
        }
        guard let latest = entry.latest, let schema = entry.versions[latest] else { return .noSchema }
        return .schema(version: latest, schema)
    }

    func invalidate(streamID: UUID, eventType: String) {
        entries[Key(streamID: streamID, eventType: eventType)] = nil
    }
}
