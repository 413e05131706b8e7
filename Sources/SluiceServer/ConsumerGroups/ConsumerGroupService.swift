import Foundation
import Logging
import PostgresNIO

/// Consumer groups per stream: create (from the earliest kept event, the end, or a time),
/// list, describe (position, lag in events and seconds, state per partition) and delete.
/// Reading them needs `events:read` on the stream; deleting one `streams:manage`. Another
/// tenant's, or a stream the key may not see, is 404.
public struct ConsumerGroupService: Sendable {
    let client: PostgresClient
    let logger: Logger
    let audit: AuditLog

    /// Behind with no commit for this long: stuck.
    static let stuckAfter: TimeInterval = 5 * 60

    var groups: ConsumerGroupRepository { .init(logger: logger) }

    public func create(identity: Identity, stream name: String, group: String, start: ConsumerGroup.Start, origin: RequestOrigin) async throws -> ConsumerGroupState {
        try identity.require(.eventsRead)
        let groupName = try StreamService.validName(group, of: "consumer group")
        if case .timestamp(let date) = start, date > Date().addingTimeInterval(86_400) {
            throw SluiceError.badRequest("The start time lies more than a day ahead.", pointer: "/startAt")
        }
        return try await client.transaction(logger: logger) { connection in
            let stream = try await self.stream(identity: identity, name: name, on: connection)
            let group = ConsumerGroup(tenantID: identity.tenantID, id: .v7(), streamID: stream.id, name: groupName, start: start, createdAt: Date())
            let from: Date? = switch start {
            case .earliest: Date().addingTimeInterval(-TimeInterval(stream.retentionSeconds))
            case .latest: nil
            case .timestamp(let date): date
            }
            do {
                try await groups.insert(group, partitions: stream.partitions, from: from, on: connection)
            } catch let error as PSQLError where error.isUniqueViolation {
                throw SluiceError.conflict("The stream already has a consumer group named '\(groupName)'.", kind: "consumer-group-exists")
            }
            try await audit.append(
                AuditRecord(tenantID: identity.tenantID, actor: identity.auditActor, action: "consumergroup.created",
                            targetType: "consumerGroup", targetID: group.id.lowercased,
                            details: ["stream": stream.name, "name": groupName, "start": start.name], origin: origin),
                on: connection
            )
            return try await state(group, stream: stream, on: connection)
        }
    }

    public func list(identity: Identity, stream name: String) async throws -> [ConsumerGroupState] {
        try identity.require(.eventsRead)
        return try await client.withConnection { connection in
            let stream = try await self.stream(identity: identity, name: name, on: connection)
            var states: [ConsumerGroupState] = []
            for group in try await groups.list(tenantID: identity.tenantID, streamID: stream.id, on: connection) {
                states.append(try await state(group, stream: stream, on: connection))
            }
            return states
        }
    }

    public func describe(identity: Identity, stream name: String, group: String) async throws -> ConsumerGroupState {
        try identity.require(.eventsRead)
        return try await client.withConnection { connection in
            let stream = try await self.stream(identity: identity, name: name, on: connection)
            guard let found = try await groups.find(tenantID: identity.tenantID, streamID: stream.id, name: group, on: connection) else {
                throw SluiceError.notFound("Consumer group '\(group.prefix(100))'")
            }
            return try await state(found, stream: stream, on: connection)
        }
    }

    public func delete(identity: Identity, stream name: String, group: String, origin: RequestOrigin) async throws {
        try identity.require(.eventsRead)
        try await client.transaction(logger: logger) { connection in
            let stream = try await self.stream(identity: identity, name: name, on: connection)
            guard let found = try await groups.find(tenantID: identity.tenantID, streamID: stream.id, name: group, on: connection) else {
                throw SluiceError.notFound("Consumer group '\(group.prefix(100))'")
            }
            try identity.require(.streamsManage)
            try await groups.delete(found, on: connection)
            try await audit.append(
                AuditRecord(tenantID: identity.tenantID, actor: identity.auditActor, action: "consumergroup.deleted",
                            targetType: "consumerGroup", targetID: found.id.lowercased,
                            details: ["stream": stream.name, "name": found.name], origin: origin),
                on: connection
            )
        }
    }

    /// Moves the group's committed offsets (all partitions, or `partitions`), each clamped to
    /// what the stream keeps: from its first kept event to its end. A dry run only answers the
    /// plan. Needs `streams:manage`; applying is audited.
    public func reset(
        identity: Identity, stream name: String, group: String, to target: OffsetReset, partitions chosen: [Int]?, dryRun: Bool,
        origin: RequestOrigin
    ) async throws -> [OffsetMove] {
        try identity.require(.eventsRead)
        return try await client.transaction(logger: logger) { connection in
            let stream = try await self.stream(identity: identity, name: name, on: connection)
            guard let found = try await groups.find(tenantID: identity.tenantID, streamID: stream.id, name: group, on: connection) else {
                throw SluiceError.notFound("Consumer group '\(group.prefix(100))'")
            }
            try identity.require(.streamsManage)
            if let chosen, let wrong = chosen.first(where: { !(0..<stream.partitions).contains($0) }) {
                throw SluiceError.badRequest("The stream has no partition \(wrong); it has 0 to \(stream.partitions - 1).", pointer: "/partitions")
            }
            let now = Date()
            let at: Date? = switch target {
            case .datetime(let date): date
            case .duration(let seconds): now.addingTimeInterval(-seconds)
            default: nil
            }
            let bounds = try await groups.bounds(
                found, keptSince: now.addingTimeInterval(-TimeInterval(stream.retentionSeconds)), at: at, on: connection
            )
            let moves = bounds.filter { chosen?.contains($0.partition) ?? true }.map { bound in
                let wanted: Int64 = switch target {
                case .earliest: bound.earliest
                case .latest: bound.end
                case .offset(let offset): offset
                case .shift(let by): bound.committed + by
                case .datetime, .duration: bound.atTime
                }
                return OffsetMove(partition: bound.partition, from: bound.committed, to: min(max(wanted, bound.earliest), bound.end))
            }
            if !dryRun {
                try await groups.move(found, moves, on: connection)
                try await audit.append(
                    AuditRecord(tenantID: identity.tenantID, actor: identity.auditActor, action: "consumergroup.offsets.reset",
                                targetType: "consumerGroup", targetID: found.id.lowercased,
                                details: ["stream": stream.name, "name": found.name,
                                          "moves": moves.map { "\($0.partition):\($0.from)->\($0.to)" }.joined(separator: " ")],
                                origin: origin),
                    on: connection
                )
            }
            return moves
        }
    }

    private func stream(identity: Identity, name: String, on connection: PostgresConnection) async throws -> Stream {
        guard identity.mayAccess(stream: name),
              let stream = try await StreamRepository(logger: logger).find(tenantID: identity.tenantID, name: name, on: connection)
        else { throw SluiceError.notFound("Stream '\(name.prefix(100))'") }
        return stream
    }

    private func state(_ group: ConsumerGroup, stream: Stream, on connection: PostgresConnection) async throws -> ConsumerGroupState {
        let partitions = try await groups.positions(group, on: connection)
        let state: ConsumerGroupState.State
        if partitions.allSatisfy({ $0.lag == 0 }) {
            state = .idle
        } else {
            let lastActivity = partitions.compactMap(\.committedAt).max() ?? group.createdAt
            state = Date().timeIntervalSince(lastActivity) > Self.stuckAfter ? .stuck : .active
        }
        return ConsumerGroupState(group: group, stream: stream.name, partitions: partitions, state: state)
    }
}
