import Foundation
import OpenAPIRuntime
import SluiceAPI
import SluiceCore
import SluiceDelivery

extension APIImplementation {
    func listSubscriptions(_ input: Operations.ListSubscriptions.Input) async throws -> Operations.ListSubscriptions.Output {
        let states = try await subscriptions.list(identity: RequestScope.identity(), stream: input.path.stream)
        return .ok(.init(body: .json(.init(items: states.map(Components.Schemas.Subscription.init)))))
    }

    func createSubscription(_ input: Operations.CreateSubscription.Input) async throws -> Operations.CreateSubscription.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let start: ConsumerGroup.Start
        switch (body.start ?? .latest, body.startAt) {
        case (.timestamp, let date?): start = .timestamp(date)
        case (.timestamp, nil): throw SluiceError.badRequest("start 'timestamp' needs startAt.", pointer: "/startAt")
        case (_, _?): throw SluiceError.badRequest("startAt goes with start 'timestamp'.", pointer: "/startAt")
        case (.earliest, nil): start = .earliest
        case (.latest, nil): start = .latest
        }
        if body.consumerGroup != nil, body.start != nil {
            throw SluiceError.badRequest("start is for a new group; an existing group keeps its offsets.", pointer: "/start")
        }
        let (state, secret) = try await subscriptions.create(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: body.name,
            group: body.consumerGroup,
            start: start,
            settings: SubscriptionSettings(body),
            origin: Self.origin()
        )
        return .created(.init(body: .json(.init(subscription: .init(state), secret: secret))))
    }

    func describeSubscription(_ input: Operations.DescribeSubscription.Input) async throws -> Operations.DescribeSubscription.Output {
        let state = try await subscriptions.describe(identity: RequestScope.identity(), stream: input.path.stream, name: input.path.subscription)
        return .ok(.init(body: .json(.init(state))))
    }

    func updateSubscription(_ input: Operations.UpdateSubscription.Input) async throws -> Operations.UpdateSubscription.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let state = try await subscriptions.update(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.subscription,
            settings: SubscriptionSettings(body),
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(state))))
    }

    func deleteSubscription(_ input: Operations.DeleteSubscription.Input) async throws -> Operations.DeleteSubscription.Output {
        try await subscriptions.delete(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.subscription,
            origin: Self.origin()
        )
        return .noContent(.init())
    }

    func getSubscriptionSecret(_ input: Operations.GetSubscriptionSecret.Input) async throws -> Operations.GetSubscriptionSecret.Output {
        let secret = try await subscriptions.secret(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.subscription,
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(secret: secret))))
    }

    func rotateSubscriptionSecret(_ input: Operations.RotateSubscriptionSecret.Input) async throws -> Operations.RotateSubscriptionSecret.Output {
        let (secret, until) = try await subscriptions.rotateSecret(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.subscription,
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(secret: secret, previousValidUntil: until))))
    }

    func pauseSubscription(_ input: Operations.PauseSubscription.Input) async throws -> Operations.PauseSubscription.Output {
        let state = try await subscriptions.setState(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.subscription,
            .paused,
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(state))))
    }

    func resumeSubscription(_ input: Operations.ResumeSubscription.Input) async throws -> Operations.ResumeSubscription.Output {
        let state = try await subscriptions.setState(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.subscription,
            .active,
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(state))))
    }
}

extension APIImplementation {
    func listDeadLetters(_ input: Operations.ListDeadLetters.Input) async throws -> Operations.ListDeadLetters.Output {
        let query = input.query
        let (items, next) = try await subscriptions.deadLetters(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.subscription,
            status: query.status == .retrying ? .retrying : .dead,
            filter: DeadLetterFilter(eventType: query.eventType, since: query.since, until: query.until, httpStatus: query.httpStatus),
            cursor: query.cursor,
            limit: query.limit ?? 100
        )
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: try items.map { try .init($0, subscription: input.path.subscription, event: nil, stream: input.path.stream) },
                        nextCursor: next
                    )
                )
            )
        )
    }

    func getDeadLetter(_ input: Operations.GetDeadLetter.Input) async throws -> Operations.GetDeadLetter.Output {
        guard let id = UUID(uuidString: input.path.deliveryId) else { throw SluiceError.notFound("Delivery '\(input.path.deliveryId.prefix(40))'") }
        let (record, event, stream) = try await subscriptions.deadLetter(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.subscription,
            id: id
        )
        return .ok(.init(body: .json(try .init(record, subscription: input.path.subscription, event: event, stream: stream.name))))
    }

    func replayDeadLetters(_ input: Operations.ReplayDeadLetters.Input) async throws -> Operations.ReplayDeadLetters.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let count = try await subscriptions.resolveDeadLetters(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.subscription,
            replay: true,
            filter: try DeadLetterFilter(body),
            dryRun: body.dryRun ?? false,
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(count: count, dryRun: body.dryRun))))
    }

    func purgeDeadLetters(_ input: Operations.PurgeDeadLetters.Input) async throws -> Operations.PurgeDeadLetters.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let count = try await subscriptions.resolveDeadLetters(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.subscription,
            replay: false,
            filter: try DeadLetterFilter(body),
            dryRun: body.dryRun ?? false,
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(count: count, dryRun: body.dryRun))))
    }

    func listDeadLetterCauses(_ input: Operations.ListDeadLetterCauses.Input) async throws -> Operations.ListDeadLetterCauses.Output {
        let causes = try await subscriptions.deadLetterCauses(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.subscription
        )
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: causes.map {
                            .init(httpStatus: $0.httpStatus, error: $0.error, count: $0.count, firstDeadAt: $0.firstDeadAt, lastDeadAt: $0.lastDeadAt)
                        }
                    )
                )
            )
        )
    }

    func listFailures(_ input: Operations.ListFailures.Input) async throws -> Operations.ListFailures.Output {
        let query = input.query
        let (items, next) = try await failures.failures(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            kind: query.kind.flatMap { Failure.Kind(rawValue: $0.rawValue) },
            subscription: query.subscription,
            eventType: query.eventType,
            cursor: query.cursor,
            limit: query.limit ?? 100
        )
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: items.map {
                            .init(
                                kind: .init(rawValue: $0.kind.rawValue)!,
                                id: $0.id.lowercased,
                                subscription: $0.subscription,
                                eventId: $0.eventID.lowercased,
                                eventType: $0.eventType,
                                partition: $0.partition,
                                offset: $0.offset,
                                reason: $0.reason,
                                attempts: $0.attempts,
                                failedAt: $0.failedAt
                            )
                        },
                        nextCursor: next
                    )
                )
            )
        )
    }
}

extension SubscriptionSettings {
    init(_ body: Components.Schemas.SubscriptionSettings) {
        self.init(
            url: body.url,
            eventTypes: body.eventTypes,
            timeoutMilliseconds: body.timeoutMs,
            retrySchedule: body.retrySchedule,
            maxAttempts: body.maxAttempts,
            strictOrdering: body.strictOrdering,
            circuitFailures: body.circuitFailures,
            circuitPeriodSeconds: body.circuitPeriodSeconds
        )
    }

    /// A create request has the settings' members beside its own (the document spells them
    /// out so that unknown members are refused).
    init(_ body: Components.Schemas.CreateSubscriptionRequest) {
        self.init(
            url: body.url,
            eventTypes: body.eventTypes,
            timeoutMilliseconds: body.timeoutMs,
            retrySchedule: body.retrySchedule,
            maxAttempts: body.maxAttempts,
            strictOrdering: body.strictOrdering,
            circuitFailures: body.circuitFailures,
            circuitPeriodSeconds: body.circuitPeriodSeconds
        )
    }
}

extension DeadLetterFilter {
    init(_ body: Components.Schemas.DeadLetterSelection) throws {
        switch (body.ids, body.filter, body.all) {
        case (let ids?, nil, nil), (let ids?, nil, false?):
            let parsed = ids.compactMap(UUID.init(uuidString:))
            guard parsed.count == ids.count else { throw SluiceError.badRequest("ids are delivery ids (UUIDs).", pointer: "/ids") }
            self.init(ids: parsed)
        case (nil, let filter?, nil), (nil, let filter?, false?):
            self.init(eventType: filter.eventType, since: filter.since, until: filter.until, httpStatus: filter.httpStatus, error: filter.error)
        case (nil, nil, true?):
            self.init()
        default:
            throw SluiceError.badRequest("Name the dead letters by exactly one of ids, filter, or all: true.")
        }
    }
}

extension Components.Schemas.Subscription {
    init(_ state: SubscriptionState) {
        let s = state.subscription
        self.init(
            id: s.id.lowercased,
            name: s.name,
            stream: state.stream,
            url: s.url,
            eventTypes: s.eventTypes,
            timeoutMs: s.timeoutMilliseconds,
            retrySchedule: s.retry.delays,
            maxAttempts: s.retry.maxAttempts,
            strictOrdering: s.strictOrdering,
            circuitFailures: s.circuit.failures,
            circuitPeriodSeconds: s.circuit.periodSeconds,
            state: s.state == .active ? .active : .paused,
            pausedAt: s.pausedAt,
            pausedReason: s.pausedReason,
            consecutiveFailures: s.consecutiveFailures,
            failingSince: s.failingSince,
            lastSuccessAt: s.lastSuccessAt,
            lastFailureAt: s.lastFailureAt,
            lastError: s.lastError,
            retrying: state.queues.retrying,
            deadLetters: state.queues.deadLetters,
            oldestDeadLetterAgeSeconds: state.queues.oldestDeadLetter.map { max(0, Date().timeIntervalSince($0)) },
            consumerGroup: .init(state.group),
            createdAt: s.createdAt,
            updatedAt: s.updatedAt
        )
    }
}

extension Components.Schemas.Delivery {
    init(_ record: DeliveryRecord, subscription: String, event: StoredEvent?, stream: String) throws {
        self.init(
            id: record.id.lowercased,
            subscription: subscription,
            partition: record.partition,
            offset: record.offset,
            eventId: record.eventID.lowercased,
            eventType: record.eventType,
            status: record.status == .dead ? .dead : .retrying,
            attemptsMade: record.attemptsMade,
            nextAttemptAt: record.nextAttemptAt,
            lastStatus: record.lastStatus,
            lastError: record.lastError,
            attempts: record.attempts.map {
                .init(
                    series: $0.series,
                    attempt: $0.attempt,
                    at: $0.at,
                    durationMs: $0.durationMs,
                    status: $0.status,
                    error: $0.error,
                    response: $0.response
                )
            },
            createdAt: record.createdAt,
            deadAt: record.deadAt,
            event: try event.map { try .init($0, stream: stream) }
        )
    }
}
