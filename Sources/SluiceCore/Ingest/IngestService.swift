import Foundation
import Logging
import SluiceJSON

/// What became of one event of a request.
package struct IngestOutcome: Sendable {
    package enum Status: Sendable {
        case stored(partition: Int, offset: Int64)
        case duplicate
        case rejected(reason: String, errors: [SluiceError.FieldError], quarantineID: UUID?)
        case failed(String)
    }

    package var index: Int
    package var id: UUID?
    package var status: Status
    package var schemaVersion: Int?
    package var warnings: [SluiceError.FieldError] = []
}

/// Ingest: checks the caller may write to the stream, checks each event against its schema,
/// partitions, and appends through the group-commit writer. Answers only once every stored
/// event is committed.
package struct IngestService: Sendable {
    package let catalog: StreamCatalog
    let appender: EventAppender
    let schemas: SchemaCache
    let quarantine: QuarantineStore
    /// Told when events were stored, to wake long-polling consumers.
    let notifier: EventNotifier?
    let logger: Logger

    package init(
        catalog: StreamCatalog,
        appender: EventAppender,
        schemas: SchemaCache,
        quarantine: QuarantineStore,
        notifier: EventNotifier?,
        logger: Logger
    ) {
        self.catalog = catalog
        self.appender = appender
        self.schemas = schemas
        self.quarantine = quarantine
        self.notifier = notifier
        self.logger = logger
    }

    /// The stream a caller may write to, or 404 (also for another tenant's, or a stream the
    /// key is not allowed: its existence is not revealed).
    package func writableStream(identity: Identity, name: String) async throws -> Stream {
        try identity.require(.eventsWrite)
        guard identity.mayAccess(stream: name), let stream = try await catalog.stream(tenantID: identity.tenantID, name: name) else {
            throw SluiceError.notFound("Stream '\(name.prefix(100))'")
        }
        return stream
    }

    /// Decoded events (or why each could not be decoded) in, one outcome each out, in order.
    /// `holdRejected` false (replays from the quarantine) leaves refused events where they are.
    /// What is stored is charged to `charge` (by default to no key, this month) in its commit.
    package func ingest(
        _ events: [Result<IncomingEvent, EnvelopeError>],
        into stream: Stream,
        holdRejected: Bool = true,
        charge: Charge? = nil
    ) async -> [IngestOutcome] {
        let charge = charge ?? Charge(keyID: nil, period: UsagePeriod(containing: Date()))
        var outcomes = [IngestOutcome?](repeating: nil, count: events.count)
        var records: [(position: Int, record: EventRecord)] = []
        var held: [(id: UUID, event: IncomingEvent, errors: [SluiceError.FieldError])] = []
        for (position, decoded) in events.enumerated() {
            switch decoded {
            case .failure(let error):
                outcomes[position] = IngestOutcome(
                    index: position,
                    id: nil,
                    status: .rejected(reason: error.errors.first?.detail ?? "Invalid event.", errors: error.errors, quarantineID: nil)
                )
            case .success(let event):
                var outcome = IngestOutcome(index: position, id: event.id, status: .failed("not written"), schemaVersion: event.schemaVersion)
                var schemaErrors: String?
                if stream.schemaMode != .off {
                    let check: SchemaCheck
                    do {
                        check = try await self.check(event, in: stream)
                    } catch {
                        logger.error("schema lookup failed", metadata: ["error": "\(String(reflecting: error))"])
                        outcome.status = .failed("The schema registry is unavailable; send the event again (with its id).")
                        outcomes[position] = outcome
                        continue
                    }
                    outcome.schemaVersion = check.version ?? event.schemaVersion
                    if !check.errors.isEmpty {
                        if stream.schemaMode == .enforce {
                            let quarantineID = holdRejected ? UUID.v7() : nil
                            if let quarantineID { held.append((quarantineID, event, check.errors)) }
                            outcome.status = .rejected(reason: check.reason, errors: check.errors, quarantineID: quarantineID)
                            outcomes[position] = outcome
                            continue
                        }
                        outcome.warnings = check.errors
                        schemaErrors = String(decoding: (try? JSONEncoder().encode(check.errors)) ?? Data("[]".utf8), as: UTF8.self)
                    }
                }
                let partition = Partitioner.partition(key: event.key, id: event.id, partitions: stream.partitions)
                records.append(
                    (
                        position,
                        EventRecord(
                            partition: partition,
                            id: event.id,
                            idFromProducer: event.idFromProducer,
                            type: event.type,
                            source: event.source,
                            key: event.key,
                            occurredAt: event.occurredAt,
                            schemaVersion: outcome.schemaVersion,
                            schemaErrors: schemaErrors,
                            attributes: event.attributes.map { JSONValue.object($0).jsonText },
                            payload: event.data.jsonText,
                            charge: charge
                        )
                    )
                )
                outcomes[position] = outcome
            }
        }
        do {
            try await quarantine.hold(held, stream: stream)
        } catch {
            logger.error("quarantine write failed", metadata: ["error": "\(String(reflecting: error))"])
            for (position, outcome) in outcomes.enumerated() {
                if case .rejected(let reason, _, _)? = outcome?.status {
                    outcomes[position]!.status = .failed("\(reason) It could not be kept in quarantine; send it again.")
                }
            }
        }
        // One group commit for all of the stream's partitions.
        let key = EventStore.StreamKey(tenantID: stream.tenantID, streamID: stream.id)
        let appended = records.isEmpty ? [] : await appender.append(records.map(\.record), to: key)
        for ((position, record), result) in zip(records, appended) {
            switch result {
            case .stored(let offset): outcomes[position]!.status = .stored(partition: record.partition, offset: offset)
            case .duplicate: outcomes[position]!.status = .duplicate
            case .failed(let reason): outcomes[position]!.status = .failed(reason)
            }
        }
        if appended.contains(where: { if case .stored = $0 { true } else { false } }) { notifier?.stored(in: stream.id) }
        return outcomes.map { $0! }
    }

    struct SchemaCheck {
        var version: Int?
        var reason: String
        var errors: [SluiceError.FieldError]
    }

    /// The event's `data` against the schema version it names, or the latest.
    func check(_ event: IncomingEvent, in stream: Stream) async throws -> SchemaCheck {
        switch try await schemas.lookup(stream: stream, eventType: event.type, version: event.schemaVersion) {
        case .noSchema:
            return SchemaCheck(
                version: nil,
                reason: "No schema is registered for the type '\(event.type.prefix(100))'.",
                errors: [.init(pointer: event.pointer + "/type", detail: "No schema is registered for this type.")]
            )
        case .unknownVersion(let version):
            return SchemaCheck(
                version: nil,
                reason: "The schema version \(version) does not exist for this type.",
                errors: [.init(pointer: event.pointer + "/schemaVersion", detail: "No live schema version \(version) for this type.")]
            )
        case .schema(let version, let schema):
            let issues = schema.validate(event.data, limit: 20)
            return SchemaCheck(
                version: version,
                reason: "The event does not match version \(version) of the schema for '\(event.type.prefix(100))'.",
                errors: issues.map { .init(pointer: event.pointer + "/data" + $0.instancePath, detail: $0.message) }
            )
        }
    }
}
