import Foundation
import Logging
import SluiceAPI
import SluiceAnalytics
import SluiceCore
import SluiceDatabase
import SluiceDelivery

/// One entry of a stream's failure view.
struct Failure: Sendable {
    enum Kind: String, Sendable { case delivery, quarantine, late }
    var kind: Kind
    var id: UUID
    var subscription: String?
    var eventID: UUID
    var eventType: String
    var partition: Int?
    var offset: Int64?
    var reason: String
    var attempts: Int?
    var failedAt: Date
}

/// A stream's failure view, in one list: events its webhooks gave up on (the dead letters),
/// events its schema refused (the quarantine) and events later than the analytics watermark.
/// A read model on top of delivery, quarantine and analytics, so that none of them reaches
/// into the others.
struct FailureView: Sendable {
    let client: Database
    let logger: Logger

    private var subscriptions: SubscriptionRepository { .init(logger: logger) }
    private var store: DeliveryStore { .init(logger: logger) }
    private var streams: StreamRepository { .init(logger: logger) }

    /// What failed in the stream, newest first: its subscriptions' dead letters and its
    /// quarantine (events its schemas refused), in one list.
    func failures(
        identity: Identity,
        stream name: String,
        kind: Failure.Kind?,
        subscription: String?,
        eventType: String?,
        cursor: String?,
        limit: Int
    ) async throws -> (items: [Failure], next: String?) {
        try identity.require(.eventsRead)
        guard (1...500).contains(limit) else { throw SluiceError.badRequest("limit is 1 to 500.", pointer: "/limit") }
        let before = try cursor.map(BrowseCursor.parse)
        let kind = subscription != nil ? .delivery : kind
        let (stream, delivered) = try await client.withConnection { connection in
            var items: [Failure] = []
            let stream = try await streams.visible(to: identity, name: name, on: connection)
            if kind == nil || kind == .delivery {
                var subscriptionID: UUID?
                if let subscription {
                    guard
                        let found = try await subscriptions.find(tenantID: identity.tenantID, streamID: stream.id, name: subscription, on: connection)
                    else {
                        throw SluiceError.notFound("Subscription '\(subscription.prefix(100))'")
                    }
                    subscriptionID = found.id
                }
                for (record, subscription) in try await store.deadLetters(
                    tenantID: identity.tenantID,
                    streamID: stream.id,
                    subscription: subscriptionID,
                    eventType: eventType,
                    before: before,
                    limit: limit,
                    on: connection
                ) {
                    items.append(
                        Failure(
                            kind: .delivery,
                            id: record.id,
                            subscription: subscription,
                            eventID: record.eventID,
                            eventType: record.eventType,
                            partition: record.partition,
                            offset: record.offset,
                            reason: "delivery failed \(record.attemptsMade) time(s); last: \(record.lastError ?? "failed")",
                            attempts: record.attemptsMade,
                            failedAt: record.deadAt ?? record.createdAt
                        )
                    )
                }
            }
            return (stream, items)
        }
        var items = delivered
        if kind == nil || kind == .late {
            for late in try await LateEvents(client: client, logger: logger).list(
                stream: stream,
                eventType: eventType,
                before: before,
                limit: limit
            ) {
                items.append(
                    Failure(
                        kind: .late,
                        id: late.id,
                        eventID: late.eventID,
                        eventType: late.eventType,
                        partition: late.partition,
                        offset: late.offset,
                        reason:
                            "later than the analytics watermark: occurred at \(RFC3339.format(late.occurredAt)), watermark \(RFC3339.format(late.watermark)); "
                            + "stored, delivered and readable, but not counted in the rollups",
                        failedAt: late.recordedAt
                    )
                )
            }
        }
        if kind == nil || kind == .quarantine {
            let decoder = JSONDecoder()
            for entry in try await QuarantineStore(client: client, logger: logger).list(
                stream: stream,
                status: .held,
                eventType: eventType,
                before: before,
                limit: limit
            ) {
                let errors = (try? decoder.decode([SluiceError.FieldError].self, from: Data(entry.errors.utf8))) ?? []
                items.append(
                    Failure(
                        kind: .quarantine,
                        id: entry.id,
                        eventID: entry.eventID,
                        eventType: entry.eventType,
                        reason: "refused by the stream's schema: "
                            + (errors.first.map { "\($0.pointer.isEmpty ? "/" : $0.pointer): \($0.detail)" } ?? "invalid")
                            + (errors.count > 1 ? " (and \(errors.count - 1) more)" : ""),
                        failedAt: entry.receivedAt
                    )
                )
            }
        }
        items.sort { ($0.failedAt, $0.id.uuidString) > ($1.failedAt, $1.id.uuidString) }
        items = Array(items.prefix(limit))
        return (items, items.count == limit ? items.last.map { BrowseCursor.make($0.failedAt, $0.id) } : nil)
    }
}
