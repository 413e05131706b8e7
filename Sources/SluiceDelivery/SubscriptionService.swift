import Foundation
import Logging
import PostgresNIO
import SluiceAPI
import SluiceCore
import SluiceDatabase

/// What a create or update sets; nil leaves a setting as it is (or at its default).
package struct SubscriptionSettings: Sendable {
    var url: String?
    /// nil: unchanged; empty: every type.
    var eventTypes: [String]?
    var timeoutMilliseconds: Int?
    var retrySchedule: [Int]?
    var maxAttempts: Int?
    var strictOrdering: Bool?
    var circuitFailures: Int?
    var circuitPeriodSeconds: Int?

    package init(
        url: String? = nil,
        eventTypes: [String]? = nil,
        timeoutMilliseconds: Int? = nil,
        retrySchedule: [Int]? = nil,
        maxAttempts: Int? = nil,
        strictOrdering: Bool? = nil,
        circuitFailures: Int? = nil,
        circuitPeriodSeconds: Int? = nil
    ) {
        self.url = url
        self.eventTypes = eventTypes
        self.timeoutMilliseconds = timeoutMilliseconds
        self.retrySchedule = retrySchedule
        self.maxAttempts = maxAttempts
        self.strictOrdering = strictOrdering
        self.circuitFailures = circuitFailures
        self.circuitPeriodSeconds = circuitPeriodSeconds
    }
}

/// A subscription with what an operator watches: its queues and its consumer group.
package struct SubscriptionState: Sendable {
    package var subscription: Subscription
    package var stream: String
    package var group: ConsumerGroupState
    package var queues: SubscriptionQueues
}

/// Push subscriptions per stream: webhook endpoints bound to consumer groups, their signing
/// secrets, pause and resume, and their dead-letter queues. Reading needs `events:read` on
/// the stream; changing anything `streams:manage`. Every change is audited.
package struct SubscriptionService: Sendable {
    let client: Database
    let logger: Logger
    let audit: AuditLog
    let box: SecretBox
    let consumerGroups: ConsumerGroupService
    let allowPrivateNetworks: Bool
    /// Tells this node's worker that retries may be due (after a replay or a resume).
    let wakeWorkers: @Sendable () -> Void

    package init(
        client: Database,
        logger: Logger,
        audit: AuditLog,
        box: SecretBox,
        consumerGroups: ConsumerGroupService,
        allowPrivateNetworks: Bool,
        wakeWorkers: @escaping @Sendable () -> Void
    ) {
        self.client = client
        self.logger = logger
        self.audit = audit
        self.box = box
        self.consumerGroups = consumerGroups
        self.allowPrivateNetworks = allowPrivateNetworks
        self.wakeWorkers = wakeWorkers
    }

    /// How long a rotated-out secret keeps signing beside the new one.
    static let previousSecretLifetime: TimeInterval = 24 * 3600

    var subscriptions: SubscriptionRepository { .init(logger: logger) }
    var store: DeliveryStore { .init(logger: logger) }
    var streams: StreamRepository { .init(logger: logger) }
    var groups: ConsumerGroupRepository { .init(logger: logger) }

    package func create(
        identity: Identity,
        stream name: String,
        name subscriptionName: String,
        group groupName: String?,
        start: ConsumerGroup.Start,
        settings: SubscriptionSettings,
        origin: RequestOrigin
    ) async throws -> (SubscriptionState, secret: String) {
        try identity.require(.streamsManage)
        let subscriptionName = try StreamService.validName(subscriptionName, of: "subscription")
        guard let url = settings.url else { throw SluiceError.badRequest("A subscription needs the endpoint's url.", pointer: "/url") }
        let now = Date()
        var subscription = Subscription(
            tenantID: identity.tenantID,
            id: .v7(),
            streamID: UUID(),
            groupID: UUID(),
            ownsGroup: groupName == nil,
            name: subscriptionName,
            url: url,
            eventTypes: nil,
            timeoutMilliseconds: Subscription.defaultTimeoutMilliseconds,
            retry: .standard,
            strictOrdering: false,
            circuit: .standard,
            state: .active,
            consecutiveFailures: 0,
            createdAt: now,
            updatedAt: now
        )
        try apply(settings, to: &subscription)
        let secret = WebhookSecret.make()
        let id = try await client.transaction(logger: logger) { [subscription] connection in
            var subscription = subscription
            let stream = try await streams.visible(to: identity, name: name, on: connection)
            subscription.streamID = stream.id
            if let groupName {
                guard let group = try await groups.find(tenantID: identity.tenantID, streamID: stream.id, name: groupName, on: connection) else {
                    throw SluiceError.notFound("Consumer group '\(groupName.prefix(100))'")
                }
                guard try await groups.liveMembers(group, on: connection).isEmpty else {
                    throw SluiceError.conflict(
                        "The consumer group has live pull members; a group is either pulled or pushed.",
                        kind: .groupHasMembers
                    )
                }
                subscription.groupID = group.id
            } else {
                let group = ConsumerGroup(
                    tenantID: identity.tenantID,
                    id: .v7(),
                    streamID: stream.id,
                    name: subscriptionName,
                    start: start,
                    createdAt: now
                )
                let from: Date? =
                    switch start {
                    case .earliest: now.addingTimeInterval(-TimeInterval(stream.retentionSeconds))
                    case .latest: nil
                    case .timestamp(let date): date
                    }
                do {
                    try await groups.insert(group, partitions: stream.partitions, from: from, on: connection)
                } catch let error as PSQLError where error.isUniqueViolation {
                    throw SluiceError.conflict(
                        "The stream already has a consumer group named '\(subscriptionName)'; name it in consumerGroup to use it.",
                        kind: .consumerGroupExists
                    )
                }
                subscription.groupID = group.id
            }
            do {
                try await subscriptions.insert(subscription, secret: try box.seal(secret.bytes), on: connection)
            } catch let error as PSQLError where error.isUniqueViolation {
                throw error.constraint == "one_subscription_per_group"
                    ? SluiceError.conflict("Another subscription already pushes that consumer group.", kind: .groupHasSubscription)
                    : SluiceError.conflict("The stream already has a subscription named '\(subscriptionName)'.", kind: .subscriptionExists)
            }
            try await audit.append(
                record(
                    identity,
                    "subscription.created",
                    subscription,
                    stream: stream.name,
                    origin: origin,
                    [
                        "url": subscription.url, "consumerGroup": groupName ?? subscriptionName,
                    ]
                ),
                on: connection
            )
            return subscription.id
        }
        _ = id
        wakeWorkers()
        return (try await current(identity: identity, stream: name, name: subscriptionName), secret.text)
    }

    package func list(identity: Identity, stream name: String) async throws -> [SubscriptionState] {
        try identity.require(.eventsRead)
        return try await client.withConnection { connection in
            let stream = try await streams.visible(to: identity, name: name, on: connection)
            var states: [SubscriptionState] = []
            for subscription in try await subscriptions.list(tenantID: identity.tenantID, streamID: stream.id, on: connection) {
                states.append(try await state(subscription, stream: stream, on: connection))
            }
            return states
        }
    }

    package func describe(identity: Identity, stream name: String, name subscriptionName: String) async throws -> SubscriptionState {
        try identity.require(.eventsRead)
        return try await current(identity: identity, stream: name, name: subscriptionName)
    }

    /// Its state as the answer to a change the caller was authorized for.
    private func current(identity: Identity, stream name: String, name subscriptionName: String) async throws -> SubscriptionState {
        try await client.withConnection { connection in
            let (stream, subscription) = try await find(identity, name, subscriptionName, on: connection)
            return try await state(subscription, stream: stream, on: connection)
        }
    }

    package func update(
        identity: Identity,
        stream name: String,
        name subscriptionName: String,
        settings: SubscriptionSettings,
        origin: RequestOrigin
    ) async throws -> SubscriptionState {
        try identity.require(.streamsManage)
        try await client.transaction(logger: logger) { connection in
            let (stream, found) = try await find(identity, name, subscriptionName, forUpdate: true, on: connection)
            var changed = found
            try apply(settings, to: &changed)
            try await subscriptions.update(changed, on: connection)
            try await audit.append(
                record(identity, "subscription.updated", changed, stream: stream.name, origin: origin, changes(found, changed)),
                on: connection
            )
        }
        return try await current(identity: identity, stream: name, name: subscriptionName)
    }

    package func delete(identity: Identity, stream name: String, name subscriptionName: String, origin: RequestOrigin) async throws {
        try identity.require(.streamsManage)
        try await client.transaction(logger: logger) { connection in
            let (stream, found) = try await find(identity, name, subscriptionName, forUpdate: true, on: connection)
            try await subscriptions.delete(found, on: connection)
            if found.ownsGroup {
                try await ConsumerGroupRepository(logger: logger).delete(tenantID: found.tenantID, id: found.groupID, on: connection)
            }
            try await audit.append(record(identity, "subscription.deleted", found, stream: stream.name, origin: origin, [:]), on: connection)
        }
    }

    /// The current signing secret.
    package func secret(identity: Identity, stream name: String, name subscriptionName: String, origin: RequestOrigin) async throws -> String {
        try identity.require(.streamsManage)
        return try await client.transaction(logger: logger) { connection in
            let (stream, found) = try await find(identity, name, subscriptionName, on: connection)
            guard let sealed = try await subscriptions.secrets(tenantID: found.tenantID, id: found.id, on: connection) else {
                throw SluiceError.notFound("Subscription '\(subscriptionName.prefix(100))'")
            }
            try await audit.append(record(identity, "subscription.secret.read", found, stream: stream.name, origin: origin, [:]), on: connection)
            return WebhookSecret(bytes: try box.open(sealed.current)).text
        }
    }

    /// A new signing secret; the old one keeps signing beside it for a day, so receivers can
    /// switch without losing deliveries.
    package func rotateSecret(
        identity: Identity,
        stream name: String,
        name subscriptionName: String,
        origin: RequestOrigin
    ) async throws -> (String, Date) {
        try identity.require(.streamsManage)
        let secret = WebhookSecret.make()
        let until = Date().addingTimeInterval(Self.previousSecretLifetime)
        try await client.transaction(logger: logger) { connection in
            let (stream, found) = try await find(identity, name, subscriptionName, forUpdate: true, on: connection)
            try await subscriptions.rotate(found, secret: try box.seal(secret.bytes), previousUntil: until, on: connection)
            try await audit.append(record(identity, "subscription.secret.rotated", found, stream: stream.name, origin: origin, [:]), on: connection)
        }
        return (secret.text, until)
    }

    package func setState(
        identity: Identity,
        stream name: String,
        name subscriptionName: String,
        _ state: Subscription.State,
        origin: RequestOrigin
    ) async throws -> SubscriptionState {
        try identity.require(.streamsManage)
        try await client.transaction(logger: logger) { connection in
            let (stream, found) = try await find(identity, name, subscriptionName, forUpdate: true, on: connection)
            if try await subscriptions.setState(found, state, reason: state == .paused ? "paused over the API" : nil, on: connection) {
                try await audit.append(
                    record(
                        identity,
                        state == .paused ? "subscription.paused" : "subscription.resumed",
                        found,
                        stream: stream.name,
                        origin: origin,
                        state == .active ? ["pausedReason": found.pausedReason ?? ""] : [:]
                    ),
                    on: connection
                )
            }
        }
        if state == .active { wakeWorkers() }
        return try await current(identity: identity, stream: name, name: subscriptionName)
    }

    // MARK: Dead letters

    package func deadLetters(
        identity: Identity,
        stream name: String,
        name subscriptionName: String,
        status: DeliveryRecord.Status,
        filter: DeadLetterFilter,
        cursor: String?,
        limit: Int
    ) async throws -> (items: [DeliveryRecord], next: String?) {
        try identity.require(.eventsRead)
        guard (1...500).contains(limit) else { throw SluiceError.badRequest("limit is 1 to 500.", pointer: "/limit") }
        let before = try cursor.map(BrowseCursor.parse)
        return try await client.withConnection { connection in
            let (_, found) = try await find(identity, name, subscriptionName, on: connection)
            let items = try await store.list(found, status: status, filter: filter, before: before, limit: limit, on: connection)
            return (items, items.count == limit ? items.last.map { BrowseCursor.make($0.createdAt, $0.id) } : nil)
        }
    }

    package func deadLetter(
        identity: Identity,
        stream name: String,
        name subscriptionName: String,
        id: UUID
    ) async throws -> (DeliveryRecord, StoredEvent?, SluiceCore.Stream) {
        try identity.require(.eventsRead)
        let (stream, record) = try await client.withConnection { connection in
            let (stream, found) = try await find(identity, name, subscriptionName, on: connection)
            guard let record = try await store.find(found, id: id, on: connection) else { throw SluiceError.notFound("Delivery \(id.lowercased)") }
            return (stream, record)
        }
        let event = try await EventReader(client: client, logger: logger).event(stream: stream, partition: record.partition, offset: record.offset)
        return (record, event, stream)
    }

    /// Replays (fresh series of attempts, now) or purges the dead letters the filter names;
    /// how many. Audited.
    package func resolveDeadLetters(
        identity: Identity,
        stream name: String,
        name subscriptionName: String,
        replay: Bool,
        filter: DeadLetterFilter,
        dryRun: Bool = false,
        origin: RequestOrigin
    ) async throws -> Int {
        try identity.require(.streamsManage)
        if dryRun {
            return try await client.withConnection { connection in
                let (_, found) = try await find(identity, name, subscriptionName, on: connection)
                return try await store.countDead(found, filter: filter, on: connection)
            }
        }
        let count = try await client.transaction(logger: logger) { connection in
            let (stream, found) = try await find(identity, name, subscriptionName, on: connection)
            let count =
                replay
                ? try await store.replay(found, filter: filter, on: connection)
                : try await store.purge(found, filter: filter, on: connection)
            var details = ["count": String(count)]
            if let ids = filter.ids { details["ids"] = ids.prefix(20).map(\.lowercased).joined(separator: " ") }
            if let type = filter.eventType { details["eventType"] = type }
            if let since = filter.since { details["since"] = RFC3339.format(since) }
            if let until = filter.until { details["until"] = RFC3339.format(until) }
            if let status = filter.httpStatus { details["httpStatus"] = String(status) }
            if let error = filter.error { details["error"] = String(error.prefix(200)) }
            try await audit.append(
                record(
                    identity,
                    replay ? "subscription.deadletters.replayed" : "subscription.deadletters.purged",
                    found,
                    stream: stream.name,
                    origin: origin,
                    details
                ),
                on: connection
            )
            return count
        }
        if replay && count > 0 { wakeWorkers() }
        return count
    }

    /// The dead-letter queue grouped by cause, largest group first.
    package func deadLetterCauses(identity: Identity, stream name: String, name subscriptionName: String) async throws -> [DeadLetterCause] {
        try identity.require(.eventsRead)
        return try await client.withConnection { connection in
            let (_, found) = try await find(identity, name, subscriptionName, on: connection)
            return try await store.causes(found, limit: 100, on: connection)
        }
    }

    /// What became of one stored event at each of the stream's subscriptions.
    package func fates(of event: StoredEvent, in stream: SluiceCore.Stream) async throws -> [EventFate] {
        try await client.withConnection { connection in
            let rows = try await connection.query(
                """
                SELECT s.id, s.name, s.event_types, g.start_position, coalesce(g.start_at, g.created_at),
                       coalesce(o.committed_offset, 0)
                FROM subscriptions s
                JOIN consumer_groups g ON g.tenant_id = s.tenant_id AND g.id = s.group_id
                LEFT JOIN consumer_offsets o ON o.tenant_id = s.tenant_id AND o.group_id = s.group_id
                                            AND o.partition = \(Int16(event.partition))
                WHERE s.tenant_id = \(stream.tenantID) AND s.stream_id = \(stream.id)
                ORDER BY s.name
                """,
                logger: logger
            )
            var found: [(UUID, String, [String]?, String, Date, Int64)] = []
            for try await row in rows.decode((UUID, String, [String]?, String, Date, Int64).self) { found.append(row) }
            let failures = try await store.failures(
                tenantID: stream.tenantID,
                subscriptions: found.map(\.0),
                partition: event.partition,
                offset: event.offset,
                on: connection
            )
            var fates: [EventFate] = []
            for (id, name, types, start, startAt, committed) in found {
                let record = failures[id]
                let state: EventFate.State
                if let record {
                    state = record.status == .dead ? .dead : .retrying
                } else if let types, !types.contains(event.type) {
                    state = .filtered
                } else if start != "earliest", event.receivedAt < startAt {
                    state = .skipped
                } else {
                    state = committed > event.offset ? .delivered : .pending
                }
                fates.append(EventFate(subscription: name, state: state, delivery: record))
            }
            return fates
        }
    }

    // MARK: The failure view

    // MARK: Helpers

    private func find(
        _ identity: Identity,
        _ stream: String,
        _ name: String,
        forUpdate: Bool = false,
        on connection: PostgresConnection
    ) async throws -> (SluiceCore.Stream, Subscription) {
        let stream = try await streams.visible(to: identity, name: stream, on: connection)
        guard
            let found = try await subscriptions.find(
                tenantID: identity.tenantID,
                streamID: stream.id,
                name: name,
                forUpdate: forUpdate,
                on: connection
            )
        else {
            throw SluiceError.notFound("Subscription '\(name.prefix(100))'")
        }
        return (stream, found)
    }

    private func state(_ subscription: Subscription, stream: SluiceCore.Stream, on connection: PostgresConnection) async throws -> SubscriptionState {
        guard let group = try await groups.find(tenantID: subscription.tenantID, id: subscription.groupID, on: connection) else {
            throw SluiceError.internalError
        }
        return SubscriptionState(
            subscription: subscription,
            stream: stream.name,
            group: try await consumerGroups.state(group, stream: stream, on: connection),
            queues: try await subscriptions.queueStats(subscription, on: connection)
        )
    }

    private func apply(_ settings: SubscriptionSettings, to s: inout Subscription) throws {
        if let url = settings.url { s.url = try WebhookURL.check(url, allowPrivateNetworks: allowPrivateNetworks) }
        if let types = settings.eventTypes {
            // Characters are code points, as the document's maxLength counts them.
            guard InputBounds.subscriptionEventTypes.contains(types.count),
                types.allSatisfy({ InputBounds.eventType.contains($0.unicodeScalars.count) })
            else {
                throw SluiceError.badRequest(
                    "eventTypes lists at most \(InputBounds.subscriptionEventTypes.max) types of 1 to \(InputBounds.eventType.max) characters (none: every type).",
                    pointer: "/eventTypes"
                )
            }
            s.eventTypes = types.isEmpty ? nil : Array(Set(types)).sorted()
        }
        if let timeout = settings.timeoutMilliseconds {
            guard Subscription.timeoutRange.contains(timeout) else {
                throw SluiceError.badRequest("timeoutMs is 100 to 60,000.", pointer: "/timeoutMs")
            }
            s.timeoutMilliseconds = timeout
        }
        if let schedule = settings.retrySchedule {
            guard schedule.count <= 20 else { throw SluiceError.badRequest("The retry schedule has at most 20 delays.", pointer: "/retrySchedule") }
            if let index = schedule.firstIndex(where: { !(0...RetrySchedule.maxDelay).contains($0) }) {
                throw SluiceError.badRequest("Each retry delay is 0 to 604,800 seconds (a week).", pointer: "/retrySchedule/\(index)")
            }
            s.retry.delays = schedule
            s.retry.maxAttempts = settings.maxAttempts ?? schedule.count + 1
        }
        if let attempts = settings.maxAttempts {
            guard (1...100).contains(attempts) else { throw SluiceError.badRequest("maxAttempts is 1 to 100.", pointer: "/maxAttempts") }
            s.retry.maxAttempts = attempts
        }
        if s.retry.maxAttempts > 1 && s.retry.delays.isEmpty {
            throw SluiceError.badRequest("More than one attempt needs a retry schedule.", pointer: "/retrySchedule")
        }
        if let strict = settings.strictOrdering { s.strictOrdering = strict }
        if let failures = settings.circuitFailures {
            guard (1...10_000).contains(failures) else {
                throw SluiceError.badRequest("circuitFailures is 1 to 10,000.", pointer: "/circuitFailures")
            }
            s.circuit.failures = failures
        }
        if let period = settings.circuitPeriodSeconds {
            guard (0...(30 * 86_400)).contains(period) else {
                throw SluiceError.badRequest("circuitPeriodSeconds is 0 to 2,592,000 (30 days).", pointer: "/circuitPeriodSeconds")
            }
            s.circuit.periodSeconds = period
        }
    }

    private func changes(_ before: Subscription, _ after: Subscription) -> [String: String] {
        var changes: [String: String] = [:]
        if before.url != after.url { changes["url"] = after.url }
        if before.eventTypes != after.eventTypes { changes["eventTypes"] = after.eventTypes?.joined(separator: " ") ?? "*" }
        if before.timeoutMilliseconds != after.timeoutMilliseconds { changes["timeoutMs"] = String(after.timeoutMilliseconds) }
        if before.retry != after.retry { changes["retry"] = "\(after.retry.delays) max \(after.retry.maxAttempts)" }
        if before.strictOrdering != after.strictOrdering { changes["strictOrdering"] = String(after.strictOrdering) }
        if before.circuit != after.circuit { changes["circuit"] = "\(after.circuit.failures) over \(after.circuit.periodSeconds) s" }
        return changes
    }

    private func record(
        _ identity: Identity,
        _ action: String,
        _ s: Subscription,
        stream: String,
        origin: RequestOrigin,
        _ details: [String: String]
    ) -> AuditRecord {
        AuditRecord(
            tenantID: identity.tenantID,
            actor: identity.auditActor,
            action: action,
            targetType: "subscription",
            targetID: s.id.lowercased,
            details: details.merging(["stream": stream, "name": s.name]) { $1 },
            origin: origin
        )
    }
}

/// One subscription's part in a stored event's story.
package struct EventFate: Sendable {
    package enum State: String, Sendable { case delivered, pending, retrying, dead, filtered, skipped }
    package var subscription: String
    package var state: State
    package var delivery: DeliveryRecord?
}
