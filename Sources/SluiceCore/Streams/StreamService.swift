import Foundation
import Logging
import PostgresNIO
import SluiceDatabase
import SluiceJSON

/// Stream management: create, list, read, change and delete, each change audited in its
/// own transaction.
public struct StreamService: Sendable {
    let client: Database
    let logger: Logger
    let audit: AuditLog
    let catalog: StreamCatalog

    package init(client: Database, logger: Logger, audit: AuditLog, catalog: StreamCatalog) {
        self.client = client
        self.logger = logger
        self.audit = audit
        self.catalog = catalog
    }

    var streams: StreamRepository { .init(logger: logger) }

    /// Only the fields present change; at creation, the absent ones take their defaults.
    public struct Change: Sendable {
        public var description: String?
        public var partitions: Int?
        public var retentionSeconds: Int?
        public var dedupeWindowSeconds: Int?
        public var schemaMode: Stream.SchemaMode?
        public var compatibility: Stream.Compatibility?
        public var allowedLatenessSeconds: Int?
        /// Replaces all the dimensions (an empty map removes them).
        public var dimensions: [String: String]?

        public init(
            description: String? = nil,
            partitions: Int? = nil,
            retentionSeconds: Int? = nil,
            dedupeWindowSeconds: Int? = nil,
            schemaMode: Stream.SchemaMode? = nil,
            compatibility: Stream.Compatibility? = nil,
            allowedLatenessSeconds: Int? = nil,
            dimensions: [String: String]? = nil
        ) {
            self.allowedLatenessSeconds = allowedLatenessSeconds
            self.dimensions = dimensions
            self.description = description
            self.partitions = partitions
            self.retentionSeconds = retentionSeconds
            self.dedupeWindowSeconds = dedupeWindowSeconds
            self.schemaMode = schemaMode
            self.compatibility = compatibility
        }
    }

    public func create(identity: Identity, name: String, _ settings: Change, origin: RequestOrigin) async throws -> Stream {
        try identity.require(.streamsManage)
        let name = try Self.validName(name)
        guard identity.mayAccess(stream: name) else {
            throw SluiceError.forbidden("This API key is limited to other streams.")
        }
        let now = Date()
        var stream = Stream(
            tenantID: identity.tenantID,
            id: .v7(),
            name: name,
            description: "",
            partitions: 1,
            retentionSeconds: Stream.defaultRetentionSeconds,
            dedupeWindowSeconds: Stream.defaultDedupeWindowSeconds,
            schemaMode: .off,
            compatibility: .backward,
            createdAt: now,
            updatedAt: now,
            nextOffsets: []
        )
        try Self.apply(settings, to: &stream, creating: true)
        stream.nextOffsets = Array(repeating: 0, count: stream.partitions)
        let created = stream
        try await client.transaction(logger: logger) { connection in
            do {
                try await streams.insert(created, on: connection)
            } catch let error as PSQLError where error.isUniqueViolation {
                throw SluiceError.conflict("A stream named '\(name)' already exists.", kind: .streamExists)
            }
            try await audit.append(
                AuditRecord(
                    tenantID: identity.tenantID,
                    actor: identity.auditActor,
                    action: "stream.created",
                    targetType: "stream",
                    targetID: created.id.lowercased,
                    details: Self.auditDetails(created),
                    origin: origin
                ),
                on: connection
            )
        }
        await catalog.invalidate(tenantID: identity.tenantID, name: name)
        return created
    }

    public func list(identity: Identity) async throws -> [Stream] {
        try identity.require(.streamsRead)
        let all = try await client.withConnection { try await streams.list(tenantID: identity.tenantID, on: $0) }
        return all.filter { identity.mayAccess(stream: $0.name) }
    }

    public func get(identity: Identity, name: String) async throws -> Stream {
        try identity.require(.streamsRead)
        return try await client.withConnection { try await streams.visible(to: identity, name: name, on: $0) }
    }

    public func update(identity: Identity, name: String, _ change: Change, origin: RequestOrigin) async throws -> Stream {
        try identity.require(.streamsManage)
        let updated = try await client.transaction(logger: logger) { connection in
            var stream = try await streams.visible(to: identity, name: name, forUpdate: true, on: connection)
            let before = stream
            try Self.apply(change, to: &stream, creating: false)
            try await streams.update(stream, on: connection)
            try await streams.addPartitions(
                tenantID: stream.tenantID,
                streamID: stream.id,
                from: before.partitions,
                to: stream.partitions,
                on: connection
            )
            var details = Self.auditDetails(stream)
            details = details.filter { key, value in Self.auditDetails(before)[key] != value }
            try await audit.append(
                AuditRecord(
                    tenantID: identity.tenantID,
                    actor: identity.auditActor,
                    action: "stream.updated",
                    targetType: "stream",
                    targetID: stream.id.lowercased,
                    details: details.merging(["name": stream.name]) { a, _ in a },
                    origin: origin
                ),
                on: connection
            )
            return try await streams.find(tenantID: identity.tenantID, name: name, on: connection) ?? stream
        }
        await catalog.invalidate(tenantID: identity.tenantID, name: name)
        return updated
    }

    public func delete(identity: Identity, name: String, origin: RequestOrigin) async throws {
        try identity.require(.streamsManage)
        try await client.transaction(logger: logger) { connection in
            let stream = try await streams.visible(to: identity, name: name, forUpdate: true, on: connection)
            try await streams.markDeleted(tenantID: identity.tenantID, id: stream.id, on: connection)
            try await audit.append(
                AuditRecord(
                    tenantID: identity.tenantID,
                    actor: identity.auditActor,
                    action: "stream.deleted",
                    targetType: "stream",
                    targetID: stream.id.lowercased,
                    details: ["name": stream.name, "events": String(stream.nextOffsets.reduce(0, +))],
                    origin: origin
                ),
                on: connection
            )
        }
        await catalog.invalidate(tenantID: identity.tenantID, name: name)
    }

    /// A slug: what stream and consumer group names are.
    package static func validName(_ name: String, of what: String = "stream") throws -> String {
        let valid =
            (1...100).contains(name.utf8.count)
            && name.utf8.first.map { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) } == true
            && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
        guard valid else {
            throw SluiceError.badRequest(
                "A \(what) name has 1 to 100 characters: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit.",
                pointer: "/name"
            )
        }
        return name
    }

    static func apply(_ change: Change, to stream: inout Stream, creating: Bool) throws {
        if let description = change.description {
            guard description.unicodeScalars.count <= 1000 else { throw SluiceError.badRequest("At most 1,000 characters.", pointer: "/description") }
            stream.description = description
        }
        if let partitions = change.partitions {
            guard (1...Stream.maxPartitions).contains(partitions) else {
                throw SluiceError.badRequest("A stream has 1 to \(Stream.maxPartitions) partitions.", pointer: "/partitions")
            }
            guard creating || partitions >= stream.partitions else {
                throw SluiceError.badRequest(
                    "Partitions may grow but never shrink (the stream has \(stream.partitions)).",
                    pointer: "/partitions"
                )
            }
            stream.partitions = partitions
        }
        if let retention = change.retentionSeconds {
            guard Stream.retentionRange.contains(retention) else {
                throw SluiceError.badRequest("Retention is 3,600 s (1 hour) to 7,776,000 s (90 days).", pointer: "/retentionSeconds")
            }
            stream.retentionSeconds = retention
        }
        if let window = change.dedupeWindowSeconds {
            guard Stream.dedupeWindowRange.contains(window) else {
                throw SluiceError.badRequest("The dedupe window is 60 s to 604,800 s (7 days).", pointer: "/dedupeWindowSeconds")
            }
            stream.dedupeWindowSeconds = window
        }
        if let mode = change.schemaMode { stream.schemaMode = mode }
        if let compatibility = change.compatibility { stream.compatibility = compatibility }
        if let lateness = change.allowedLatenessSeconds {
            guard Stream.allowedLatenessRange.contains(lateness) else {
                throw SluiceError.badRequest("The allowed lateness is 0 to 604,800 s (7 days).", pointer: "/allowedLatenessSeconds")
            }
            stream.allowedLatenessSeconds = lateness
        }
        if let dimensions = change.dimensions {
            guard dimensions.count <= Stream.maxDimensions else {
                throw SluiceError.badRequest("A stream has at most \(Stream.maxDimensions) rollup dimensions.", pointer: "/dimensions")
            }
            func isLetter(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) }
            func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
            for (name, pointer) in dimensions.sorted(by: { $0.key < $1.key }) {
                let bytes = name.utf8
                guard (1...50).contains(bytes.count), bytes.first.map(isLetter) == true,
                    bytes.allSatisfy({ isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") })
                else {
                    throw SluiceError.badRequest(
                        "A dimension's name has 1 to 50 letters, digits or '_', starting with a letter.",
                        pointer: "/dimensions/" + JSONPointer.escape(name)
                    )
                }
                guard pointer.utf8.first == UInt8(ascii: "/"), (2...200).contains(pointer.unicodeScalars.count) else {
                    throw SluiceError.badRequest(
                        "A dimension is a JSON pointer into the event's data, such as /geo/country (2 to 200 characters).",
                        pointer: "/dimensions/" + name
                    )
                }
            }
            stream.dimensions = dimensions
        }
    }

    static func auditDetails(_ stream: Stream) -> [String: String] {
        [
            "name": stream.name, "partitions": String(stream.partitions), "retentionSeconds": String(stream.retentionSeconds),
            "dedupeWindowSeconds": String(stream.dedupeWindowSeconds), "schemaMode": stream.schemaMode.rawValue,
            "compatibility": stream.compatibility.rawValue, "allowedLatenessSeconds": String(stream.allowedLatenessSeconds),
            "dimensions": stream.dimensions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
        ]
    }
}
