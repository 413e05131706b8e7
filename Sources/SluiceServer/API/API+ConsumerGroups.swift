import Foundation
import SluiceAPI
import SluiceCore

extension APIImplementation {
    func listConsumerGroups(_ input: Operations.ListConsumerGroups.Input) async throws -> Operations.ListConsumerGroups.Output {
        let states = try await consumerGroups.list(identity: RequestScope.identity(), stream: input.path.stream)
        return .ok(.init(body: .json(.init(items: states.map(Components.Schemas.ConsumerGroup.init)))))
    }

    func createConsumerGroup(_ input: Operations.CreateConsumerGroup.Input) async throws -> Operations.CreateConsumerGroup.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let start: ConsumerGroup.Start
        switch (body.start ?? .earliest, body.startAt) {
        case (.timestamp, let date?): start = .timestamp(date)
        case (.timestamp, nil): throw SluiceError.badRequest("start 'timestamp' needs startAt.", pointer: "/startAt")
        case (_, _?): throw SluiceError.badRequest("startAt goes with start 'timestamp'.", pointer: "/startAt")
        case (.earliest, nil): start = .earliest
        case (.latest, nil): start = .latest
        }
        let state = try await consumerGroups.create(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            group: body.name,
            start: start,
            origin: Self.origin()
        )
        return .created(.init(body: .json(.init(state))))
    }

    func describeConsumerGroup(_ input: Operations.DescribeConsumerGroup.Input) async throws -> Operations.DescribeConsumerGroup.Output {
        let state = try await consumerGroups.describe(identity: RequestScope.identity(), stream: input.path.stream, group: input.path.group)
        return .ok(.init(body: .json(.init(state))))
    }

    func getConsumerGroupLagHistory(
        _ input: Operations.GetConsumerGroupLagHistory.Input
    ) async throws -> Operations.GetConsumerGroupLagHistory.Output {
        let history = try await consumerGroups.lagHistory(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            group: input.path.group,
            since: input.query.since,
            until: input.query.until,
            stepSeconds: input.query.stepSeconds ?? 60
        )
        return .ok(
            .init(
                body: .json(
                    .init(
                        group: history.group,
                        stepSeconds: history.stepSeconds,
                        retentionSeconds: ConsumerLagHistory.retentionSeconds,
                        samples: history.samples.map { .init(at: $0.at, lag: $0.lag, lagSeconds: $0.lagSeconds) }
                    )
                )
            )
        )
    }

    func deleteConsumerGroup(_ input: Operations.DeleteConsumerGroup.Input) async throws -> Operations.DeleteConsumerGroup.Output {
        try await consumerGroups.delete(identity: RequestScope.identity(), stream: input.path.stream, group: input.path.group, origin: Self.origin())
        return .noContent(.init())
    }
}

extension APIImplementation {
    func resetConsumerGroupOffsets(_ input: Operations.ResetConsumerGroupOffsets.Input) async throws -> Operations.ResetConsumerGroupOffsets.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        func required<T>(_ value: T?, _ member: String) throws -> T {
            guard let value else { throw SluiceError.badRequest("to '\(body.to.rawValue)' needs \(member).", pointer: "/\(member)") }
            return value
        }
        let target: OffsetReset =
            switch body.to {
            case .earliest: .earliest
            case .latest: .latest
            case .offset: .offset(try required(body.offset, "offset"))
            case .shift: .shift(try required(body.shift, "shift"))
            case .datetime: .datetime(try required(body.datetime, "datetime"))
            case .duration: .duration(TimeInterval(try required(body.durationSeconds, "durationSeconds")))
            }
        let dryRun = body.dryRun ?? false
        let moves = try await consumerGroups.reset(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            group: input.path.group,
            to: target,
            partitions: body.partitions,
            dryRun: dryRun,
            force: body.force ?? false,
            origin: Self.origin()
        )
        return .ok(
            .init(
                body: .json(
                    .init(
                        applied: !dryRun,
                        moves: moves.map { .init(partition: $0.partition, from: $0.from, to: $0.to) }
                    )
                )
            )
        )
    }
}

extension APIImplementation {
    func joinConsumerGroup(_ input: Operations.JoinConsumerGroup.Input) async throws -> Operations.JoinConsumerGroup.Output {
        var timeout: Int?
        if case .json(let body) = input.body { timeout = body.sessionTimeoutMs }
        let membership = try await consumerGroups.join(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            group: input.path.group,
            member: input.path.memberId,
            sessionTimeoutMilliseconds: timeout
        )
        return .ok(
            .init(
                body: .json(
                    .init(
                        memberId: membership.memberID,
                        partitions: membership.partitions,
                        sessionTimeoutMs: membership.sessionTimeoutMilliseconds
                    )
                )
            )
        )
    }

    func leaveConsumerGroup(_ input: Operations.LeaveConsumerGroup.Input) async throws -> Operations.LeaveConsumerGroup.Output {
        try await consumerGroups.leave(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            group: input.path.group,
            member: input.path.memberId
        )
        return .noContent(.init())
    }

    func fetchConsumerGroup(_ input: Operations.FetchConsumerGroup.Input) async throws -> Operations.FetchConsumerGroup.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let wait = body.waitMs ?? 0
        guard (0...30_000).contains(wait) else { throw SluiceError.badRequest("waitMs is 0 to 30,000.", pointer: "/waitMs") }
        let (membership, stream, events) = try await consumerGroups.fetch(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            group: input.path.group,
            member: body.memberId,
            sessionTimeoutMilliseconds: body.sessionTimeoutMs,
            maxEvents: body.maxEvents ?? 100,
            wait: .milliseconds(wait)
        )
        return .ok(
            .init(
                body: .json(
                    .init(
                        memberId: membership.memberID,
                        partitions: membership.partitions,
                        events: try events.map { try .init($0, stream: stream.name) }
                    )
                )
            )
        )
    }

    func commitConsumerGroup(_ input: Operations.CommitConsumerGroup.Input) async throws -> Operations.CommitConsumerGroup.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        try await consumerGroups.commit(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            group: input.path.group,
            member: body.memberId,
            offsets: body.offsets.map { (partition: $0.partition, offset: $0.offset) }
        )
        return .noContent(.init())
    }
}

extension Components.Schemas.ConsumerGroup {
    init(_ state: ConsumerGroupState) {
        let startAt: Date? = if case .timestamp(let date) = state.group.start { date } else { nil }
        self.init(
            id: state.group.id.lowercased,
            name: state.group.name,
            stream: state.stream,
            start: .init(rawValue: state.group.start.name)!,
            startAt: startAt,
            state: .init(rawValue: state.state.rawValue)!,
            lag: state.partitions.reduce(0) { $0 + $1.lag },
            partitions: state.partitions.map {
                .init(
                    partition: $0.partition,
                    committedOffset: $0.committedOffset,
                    endOffset: $0.endOffset,
                    lag: $0.lag,
                    lagSeconds: $0.lagSeconds,
                    committedAt: $0.committedAt
                )
            },
            members: state.members.map { .init(memberId: $0.id, partitions: $0.partitions) },
            createdAt: state.group.createdAt
        )
    }
}
