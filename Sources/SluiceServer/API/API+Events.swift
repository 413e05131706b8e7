import Foundation
import OpenAPIRuntime
import SluiceAPI
import SluiceCore

extension APIImplementation {
    /// Served by `IngestRoutes`, registered in place of the generated handler; never called.
    func ingestEvent(_ input: Operations.IngestEvent.Input) async throws -> Operations.IngestEvent.Output {
        throw SluiceError.internalError
    }

    /// Served by `IngestRoutes`, registered in place of the generated handler; never called.
    func ingestBatch(_ input: Operations.IngestBatch.Input) async throws -> Operations.IngestBatch.Output {
        throw SluiceError.internalError
    }

    func browseEvents(_ input: Operations.BrowseEvents.Input) async throws -> Operations.BrowseEvents.Output {
        let stream = try await reader.readableStream(identity: RequestScope.identity(), name: input.path.stream, streams: streams)
        let limit = input.query.limit ?? 100
        guard (1...1000).contains(limit) else { throw SluiceError.badRequest("limit is 1 to 1,000.", pointer: "/limit") }
        let query = EventReader.Browse(
            from: input.query.from,
            to: input.query.to,
            type: input.query._type,
            key: input.query.key,
            after: try input.query.cursor.map(BrowseCursor.parse),
            limit: limit
        )
        let events = try await reader.browse(stream: stream, query)
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: try events.map { try .init($0, stream: stream.name) },
                        nextCursor: events.count == limit ? events.last.map { BrowseCursor.make($0.occurredAt, $0.id) } : nil
                    )
                )
            )
        )
    }

    func readPartition(_ input: Operations.ReadPartition.Input) async throws -> Operations.ReadPartition.Output {
        let stream = try await reader.readableStream(identity: RequestScope.identity(), name: input.path.stream, streams: streams)
        let partition = input.path.partition
        guard (0..<stream.partitions).contains(partition) else { throw SluiceError.notFound("Partition \(partition)") }
        let limit = input.query.limit ?? 100
        guard (1...1000).contains(limit) else { throw SluiceError.badRequest("limit is 1 to 1,000.", pointer: "/limit") }
        let from = input.query.fromOffset ?? 0
        guard from >= 0 else { throw SluiceError.badRequest("fromOffset is not negative.", pointer: "/fromOffset") }
        let events = try await reader.read(stream: stream, partition: partition, from: from, limit: limit)
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: try events.map { try .init($0, stream: stream.name) },
                        nextOffset: events.last.map { $0.offset + 1 } ?? from,
                        endOffset: max(stream.nextOffsets[partition], events.last.map { $0.offset + 1 } ?? 0)
                    )
                )
            )
        )
    }
}

extension Components.Schemas.Event {
    init(_ event: StoredEvent, stream: String) throws {
        let decoder = JSONDecoder()
        self.init(
            id: event.id.lowercased,
            stream: stream,
            partition: event.partition,
            offset: event.offset,
            _type: event.type,
            source: event.source,
            key: event.key,
            occurredAt: event.occurredAt,
            receivedAt: event.receivedAt,
            schemaVersion: event.schemaVersion,
            schemaErrors: try event.schemaErrors.map { try decoder.decode([Components.Schemas.FieldError].self, from: Data($0.utf8)) },
            attributes: try event.attributes.map { try decoder.decode(Components.Schemas.Event.AttributesPayload.self, from: Data($0.utf8)) },
            data: try decoder.decode(OpenAPIValueContainer.self, from: Data(event.payload.utf8))
        )
    }
}

extension APIImplementation {
    func tailEvents(_ input: Operations.TailEvents.Input) async throws -> Operations.TailEvents.Output {
        let identity = try RequestScope.identity()
        let stream = try await reader.readableStream(identity: identity, name: input.path.stream, streams: streams)
        let feed = try await reader.tail(
            stream: stream,
            type: input.query._type,
            key: input.query.key,
            maxPerSecond: input.query.maxPerSecond ?? 50,
            seconds: input.query.seconds ?? 600,
            lastEventID: input.headers.lastEventID
        )
        // Held while the response streams; given back when it ends or the client goes.
        let place = try feeds.take(tenant: identity.tenantID)
        let events = feed.map { id, batch in
            _ = place
            return ServerSentEventWithJSONData(
                event: "events",
                data: Components.Schemas.TailBatch(
                    at: batch.at,
                    matched: batch.matched,
                    sampled: batch.sampled,
                    skipped: batch.skipped,
                    events: try batch.events.map { try .init($0, stream: stream.name) }
                ),
                id: id,
                retry: 1000
            )
        }
        return .ok(.init(body: .textEventStream(.serverSentEvents(events))))
    }

    func getEvent(_ input: Operations.GetEvent.Input) async throws -> Operations.GetEvent.Output {
        let stream = try await reader.readableStream(identity: RequestScope.identity(), name: input.path.stream, streams: streams)
        let (partition, offset) = (input.path.partition, input.path.offset)
        guard (0..<stream.partitions).contains(partition) else { throw SluiceError.notFound("Partition \(partition)") }
        guard offset >= 0, let event = try await reader.event(stream: stream, partition: partition, offset: offset) else {
            throw SluiceError.notFound("Event at partition \(partition), offset \(offset)")
        }
        let fates = try await subscriptions.fates(of: event, in: stream)
        return .ok(
            .init(
                body: .json(
                    .init(
                        event: try .init(event, stream: stream.name),
                        deliveries: try fates.map { fate in
                            .init(
                                subscription: fate.subscription,
                                state: .init(rawValue: fate.state.rawValue) ?? .pending,
                                delivery: try fate.delivery.map { try .init($0, subscription: fate.subscription, event: nil, stream: stream.name) }
                            )
                        }
                    )
                )
            )
        )
    }
}

extension HTTPBody {
    /// A body of Server-Sent Events, each one's data JSON as the API writes it, sent as they come.
    static func serverSentEvents<Events: AsyncSequence & Sendable, Data: Encodable & Sendable>(_ events: Events) -> HTTPBody
    where Events.Element == ServerSentEventWithJSONData<Data> {
        HTTPBody(events.asEncodedServerSentEventsWithJSONData(encoder: .sluiceEvents), length: .unknown, iterationBehavior: .single)
    }
}

extension JSONEncoder {
    /// Server-Sent Events' JSON: sorted keys, RFC 3339 times (as every JSON body the API sends).
    static var sluiceEvents: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return encoder
    }
}
