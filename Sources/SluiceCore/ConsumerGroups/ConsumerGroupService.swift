import Foundation
import Logging
import PostgresNIO
import SluiceDatabase

/// Consumer groups per stream: create (from the earliest kept event, the end, or a time),
/// list, describe (position, lag in events and seconds, state per partition) and delete.
/// Reading them needs `events:read` on the stream; deleting one `streams:manage`. Another
/// tenant's, or a stream the key may not see, is 404.
public struct ConsumerGroupService: Sendable {
    let client: Database
    let logger: Logger
    let audit: AuditLog
    let reader: EventReader
    let notifier: EventNotifier
    /// What pushes groups (webhook subscriptions); consulted before a group is pulled, deleted or moved.
    let pushers: any GroupPushers

    package init(client: Database, logger: Logger, audit: AuditLog, reader: EventReader, notifier: EventNotifier, pushers: any GroupPushers) {
        self.client = client
        self.logger = logger
        self.audit = audit
        self.reader = reader
        self.notifier = notifier
        self.pushers = pushers
    }

    /// Behind with no commit for this long: stuck.
    static let stuckAfter: TimeInterval = 5 * 60

    var groups: ConsumerGroupRepository { .init(logger: logger) }
    var streams: StreamRepository { .init(logger: logger) }

    public func create(
        identity: Identity,
        stream name: String,
        group: String,
        start: ConsumerGroup.Start,
        origin: RequestOrigin
    ) async throws -> ConsumerGroupState {
        try identity.require(.eventsRead)
        let groupName = try StreamService.validName(group, of: "consumer group")
        if case .timestamp(let date) = start, date > Date().addingTimeInterval(86_400) {
            throw SluiceError.badRequest("The start time lies more than a day ahead.", pointer: "/startAt")
        }
        return try await client.transaction(logger: logger) { connection in
            let stream = try await streams.visible(to: identity, name: name, on: connection)
            let group = ConsumerGroup(tenantID: identity.tenantID, id: .v7(), streamID: stream.id, name: groupName, start: start, createdAt: Date())
            let from: Date? =
                switch start {
                case .earliest: Date().addingTimeInterval(-TimeInterval(stream.retentionSeconds))
                case .latest: nil
                case .timestamp(let date): date
                }
            do {
                try await groups.insert(group, partitions: stream.partitions, from: from, on: connection)
            } catch let error as PSQLError where error.isUniqueViolation {
                throw SluiceError.conflict("The stream already has a consumer group named '\(groupName)'.", kind: .consumerGroupExists)
            }
            try await audit.append(
                AuditRecord(
                    tenantID: identity.tenantID,
                    actor: identity.auditActor,
                    action: "consumergroup.created",
                    targetType: "consumerGroup",
                    targetID: group.id.lowercased,
                    details: ["stream": stream.name, "name": groupName, "start": start.name],
                    origin: origin
                ),
                on: connection
            )
            return try await state(group, stream: stream, on: connection)
        }
    }

    public func list(identity: Identity, stream name: String) async throws -> [ConsumerGroupState] {
        try identity.require(.eventsRead)
        return try await client.withConnection { connection in
            let stream = try await streams.visible(to: identity, name: name, on: connection)
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
            let (stream, found) = try await self.group(identity: identity, stream: name, name: group, on: connection)
            return try await state(found, stream: stream, on: connection)
        }
    }

    public func delete(identity: Identity, stream name: String, group: String, origin: RequestOrigin) async throws {
        try identity.require(.streamsManage)
        try await client.transaction(logger: logger) { connection in
            let (stream, found) = try await self.group(identity: identity, stream: name, name: group, on: connection)
            if let pusher = try await pushers.pusher(of: found, on: connection) {
                throw SluiceError.conflict("Subscription '\(pusher.name)' pushes this group; delete it first.", kind: .groupHasSubscription)
            }
            try await groups.delete(found, on: connection)
            try await audit.append(
                AuditRecord(
                    tenantID: identity.tenantID,
                    actor: identity.auditActor,
                    action: "consumergroup.deleted",
                    targetType: "consumerGroup",
                    targetID: found.id.lowercased,
                    details: ["stream": stream.name, "name": found.name],
                    origin: origin
                ),
                on: connection
            )
        }
    }

    /// Moves the group's committed offsets (all partitions, or `partitions`), each clamped to
    /// what the stream keeps: from its first kept event to its end. A dry run only answers the
    /// plan. Refused while the group has live members (they would commit over it) unless
    /// `force`. Needs `streams:manage`; applying is audited.
    public func reset(
        identity: Identity,
        stream name: String,
        group: String,
        to target: OffsetReset,
        partitions chosen: [Int]?,
        dryRun: Bool,
        force: Bool = false,
        origin: RequestOrigin
    ) async throws -> [OffsetMove] {
        try identity.require(.streamsManage)
        return try await client.transaction(logger: logger) { connection in
            let (stream, found) = try await self.group(identity: identity, stream: name, name: group, on: connection)
            if let chosen, let wrong = chosen.first(where: { !(0..<stream.partitions).contains($0) }) {
                throw SluiceError.badRequest("The stream has no partition \(wrong); it has 0 to \(stream.partitions - 1).", pointer: "/partitions")
            }
            let now = Date()
            let at: Date? =
                switch target {
                case .datetime(let date): date
                case .duration(let seconds): now.addingTimeInterval(-seconds)
                default: nil
                }
            let bounds = try await groups.bounds(
                found,
                keptSince: now.addingTimeInterval(-TimeInterval(stream.retentionSeconds)),
                at: at,
                on: connection
            )
            let moves = bounds.filter { chosen?.contains($0.partition) ?? true }.map { bound in
                let wanted: Int64 =
                    switch target {
                    case .earliest: bound.earliest
                    case .latest: bound.end
                    case .offset(let offset): offset
                    // Saturating: the contract bounds a shift, but an offset plus it must never trap.
                    case .shift(let by): bound.committed.addingReportingOverflow(by).overflow ? (by < 0 ? .min : .max) : bound.committed + by
                    case .datetime, .duration: bound.atTime
                    }
                return OffsetMove(partition: bound.partition, from: bound.committed, to: min(max(wanted, bound.earliest), bound.end))
            }
            if !dryRun {
                if let pusher = try await pushers.pusher(of: found, on: connection) {
                    guard force || pusher.paused else {
                        throw SluiceError.conflict(
                            "Subscription '\(pusher.name)' is pushing this group; pause it first, or reset with force.",
                            kind: .subscriptionActive
                        )
                    }
                    // The workers on it start again from the new offsets.
                    try await pushers.offsetsMoved(found, on: connection)
                }
                let members = try await groups.liveMembers(found, on: connection)
                guard members.isEmpty || force else {
                    throw SluiceError.conflict(
                        "The group has \(members.count) live member(s) (\(members.prefix(5).joined(separator: ", "))); stop them, or reset with force.",
                        kind: .groupHasMembers
                    )
                }
                try await groups.move(found, moves, on: connection)
                try await audit.append(
                    AuditRecord(
                        tenantID: identity.tenantID,
                        actor: identity.auditActor,
                        action: "consumergroup.offsets.reset",
                        targetType: "consumerGroup",
                        targetID: found.id.lowercased,
                        details: [
                            "stream": stream.name, "name": found.name, "forced": String(force),
                            "moves": moves.map { "\($0.partition):\($0.from)->\($0.to)" }.joined(separator: " "),
                        ],
                        origin: origin
                    ),
                    on: connection
                )
            }
            return moves
        }
    }

    /// A member's view: its partitions, among the group's live members.
    public struct Membership: Sendable, Equatable {
        public var memberID: String
        public var partitions: [Int]
        public var sessionTimeoutMilliseconds: Int
    }

    static let defaultSessionTimeout = 30_000

    /// The group's partitions spread over its live members, in join order: partition p goes to
    /// member p mod n.
    static func assignment(partitions: Int, members: [String]) -> [String: [Int]] {
        var assigned = Dictionary(members.map { ($0, [Int]()) }, uniquingKeysWith: { first, _ in first })
        guard !members.isEmpty else { return assigned }
        for partition in 0..<partitions { assigned[members[partition % members.count]]!.append(partition) }
        return assigned
    }

    /// Joins the group, or heartbeats: alive for `sessionTimeoutMilliseconds` more. Members
    /// that joined, left or went silent move partitions at once.
    public func join(
        identity: Identity,
        stream name: String,
        group: String,
        member: String?,
        sessionTimeoutMilliseconds: Int?
    ) async throws -> Membership {
        try identity.require(.eventsRead)
        let (member, timeout) = try Self.validMember(member ?? "m-" + UUID().uuidString.lowercased(), sessionTimeoutMilliseconds)
        return try await client.transaction(logger: logger) { connection in
            try await touch(identity: identity, stream: name, group: group, member: member, timeout: timeout, on: connection).membership
        }
    }

    public func leave(identity: Identity, stream name: String, group: String, member: String) async throws {
        try identity.require(.eventsRead)
        try await client.transaction(logger: logger) { connection in
            let (_, found) = try await self.group(identity: identity, stream: name, name: group, on: connection)
            try await groups.leave(found, member: member, on: connection)
        }
    }

    /// Up to `maxEvents` from the member's partitions after the group's committed offsets (a
    /// heartbeat too). With nothing to read, waits up to `wait` for new events, woken when they
    /// are stored (`EventNotifier`). At-least-once: what is not committed is fetched again.
    package func fetch(
        identity: Identity,
        stream name: String,
        group: String,
        member: String,
        sessionTimeoutMilliseconds: Int?,
        maxEvents: Int,
        wait: Duration
    ) async throws -> (Membership, Stream, [StoredEvent]) {
        try identity.require(.eventsRead)
        guard (1...1000).contains(maxEvents) else { throw SluiceError.badRequest("maxEvents is 1 to 1,000.", pointer: "/maxEvents") }
        let (member, timeout) = try Self.validMember(member, sessionTimeoutMilliseconds)
        let deadline = ContinuousClock.now + wait
        while true {
            // One transaction: the group, the heartbeat and the assignment, the offsets.
            let (stream, membership, committed, version) = try await client.transaction(logger: logger) { connection in
                let touched = try await touch(identity: identity, stream: name, group: group, member: member, timeout: timeout, on: connection)
                // Taken before the events are read, so that one stored meanwhile ends the wait.
                let version = notifier.version(of: touched.stream.id)
                return (touched.stream, touched.membership, try await groups.committed(touched.group, on: connection), version)
            }
            var events: [StoredEvent] = []
            for partition in membership.partitions where events.count < maxEvents {
                events += try await reader.read(
                    stream: stream,
                    partition: partition,
                    from: committed[partition] ?? 0,
                    limit: maxEvents - events.count
                )
            }
            let remaining = deadline - ContinuousClock.now
            if !events.isEmpty || remaining <= .zero { return (membership, stream, events) }
            await notifier.wait(for: stream.id, after: version, timeout: remaining)
        }
    }

    /// Commits the next offsets to read, per partition: forward only, on partitions the member
    /// holds, at most the partition's end. A heartbeat too.
    public func commit(
        identity: Identity,
        stream name: String,
        group: String,
        member: String,
        offsets: [(partition: Int, offset: Int64)]
    ) async throws {
        try identity.require(.eventsRead)
        try await client.transaction(logger: logger) { connection in
            let (stream, found) = try await self.group(identity: identity, stream: name, name: group, on: connection)
            try await refusePushed(found, on: connection)
            let members = try await groups.liveMembers(found, on: connection)
            guard members.contains(member) else {
                throw SluiceError.conflict("'\(member.prefix(100))' is not a live member of the group; join again.", kind: .memberUnknown)
            }
            let held = Set(Self.assignment(partitions: stream.partitions, members: members)[member] ?? [])
            for (index, commit) in offsets.enumerated() {
                guard held.contains(commit.partition) else {
                    throw SluiceError.conflict(
                        "Partition \(commit.partition) is not the member's (it holds \(held.sorted())); nothing was committed.",
                        kind: .partitionNotHeld
                    )
                }
                guard commit.offset >= 0, commit.offset <= stream.nextOffsets[commit.partition] else {
                    throw SluiceError.badRequest(
                        "Offset \(commit.offset) lies past partition \(commit.partition)'s end (\(stream.nextOffsets[commit.partition])).",
                        pointer: "/offsets/\(index)/offset"
                    )
                }
            }
            for commit in offsets {
                guard try await groups.commit(found, partition: commit.partition, offset: commit.offset, on: connection) else {
                    throw SluiceError.conflict(
                        "Commits move forward only: partition \(commit.partition) is already past \(commit.offset); nothing was committed.",
                        kind: .commitBehind
                    )
                }
            }
            try await groups.heartbeat(found, member: member, on: connection)
        }
    }

    /// A member id (letters, digits, `.`, `_`, `-`, `:`) and a session timeout, checked.
    private static func validMember(_ member: String, _ timeout: Int?) throws -> (String, Int) {
        let allowed = Set(".-_:".utf8)
        guard (1...100).contains(member.utf8.count),
            member.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || allowed.contains($0) })
        else { throw SluiceError.badRequest("A member id has 1 to 100 characters: letters, digits, '.', '_', '-', ':'.", pointer: "/memberId") }
        let timeout = timeout ?? Self.defaultSessionTimeout
        guard (1000...300_000).contains(timeout) else {
            throw SluiceError.badRequest("The session timeout is 1,000 to 300,000 ms.", pointer: "/sessionTimeoutMs")
        }
        return (member, timeout)
    }

    /// Joins or heartbeats `member` and answers its partitions.
    private func touch(
        identity: Identity,
        stream name: String,
        group: String,
        member: String,
        timeout: Int,
        on connection: PostgresConnection
    ) async throws -> (stream: Stream, group: ConsumerGroup, membership: Membership) {
        let (stream, found) = try await self.group(identity: identity, stream: name, name: group, on: connection)
        try await refusePushed(found, on: connection)
        let members = try await groups.touch(found, member: member, sessionTimeoutMilliseconds: timeout, on: connection)
        let partitions = Self.assignment(partitions: stream.partitions, members: members)[member] ?? []
        return (stream, found, Membership(memberID: member, partitions: partitions, sessionTimeoutMilliseconds: timeout))
    }

    /// A group is pulled or pushed, not both: its committed offsets have one writer.
    private func refusePushed(_ group: ConsumerGroup, on connection: PostgresConnection) async throws {
        if let pusher = try await pushers.pusher(of: group, on: connection) {
            throw SluiceError.conflict(
                "Subscription '\(pusher.name)' pushes this group to a webhook; pull with a group of your own.",
                kind: .groupIsPushed
            )
        }
    }

    func group(
        identity: Identity,
        stream name: String,
        name group: String,
        on connection: PostgresConnection
    ) async throws -> (Stream, ConsumerGroup) {
        let stream = try await streams.visible(to: identity, name: name, on: connection)
        guard let found = try await groups.find(tenantID: identity.tenantID, streamID: stream.id, name: group, on: connection) else {
            throw SluiceError.notFound("Consumer group '\(group.prefix(100))'")
        }
        return (stream, found)
    }

    package func state(_ group: ConsumerGroup, stream: Stream, on connection: PostgresConnection) async throws -> ConsumerGroupState {
        let partitions = try await groups.positions(group, on: connection)
        let members = try await groups.liveMembers(group, on: connection)
        var assigned = Self.assignment(partitions: stream.partitions, members: members)
        // A pushed group's members are the workers holding its partitions' leases.
        let workers = try await pushers.holders(of: group, on: connection)
        if !workers.isEmpty { assigned = workers }
        let state: ConsumerGroupState.State
        if partitions.allSatisfy({ $0.lag == 0 }) {
            state = .idle
        } else {
            let lastActivity = partitions.compactMap(\.committedAt).max() ?? group.createdAt
            state = Date().timeIntervalSince(lastActivity) > Self.stuckAfter ? .stuck : .active
        }
        return ConsumerGroupState(
            group: group,
            stream: stream.name,
            partitions: partitions,
            state: state,
            members: workers.isEmpty
                ? members.map { .init(id: $0, partitions: assigned[$0] ?? []) }
                : workers.keys.sorted().map { .init(id: $0, partitions: workers[$0] ?? []) }
        )
    }
}
