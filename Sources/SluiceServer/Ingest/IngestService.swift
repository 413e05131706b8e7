import Foundation
import Logging
import SluiceJSON

/// What became of one event of a request.
struct IngestOutcome: Sendable {
    enum Status: Sendable {
        case stored(partition: Int, offset: Int64)
        case duplicate
        case rejected(reason: String, errors: [SluiceError.FieldError], quarantineID: UUID?)
        case failed(String)
    }

    var index: Int
    var id: UUID?
    var status: Status
    var schemaVersion: Int?
    var warnings: [SluiceError.FieldError] = []
}

/// Ingest: checks the caller may write to the stream, checks each event against its schema,
/// partitions, and appends through the group-commit writer. Answers only once every stored
/// event is committed.
struct IngestService: Sendable {
    let catalog: StreamCatalog
    let appender: EventAppender
    let logger: Logger

    /// The stream a caller may write to, or 404 (also for another tenant's, or a stream the
    /// key is not allowed: its existence is not revealed).
    func writableStream(identity: Identity, name: String) async throws -> Stream {
        try identity.require(.eventsWrite)
        guard identity.mayAccess(stream: name), let stream = try await catalog.stream(tenantID: identity.tenantID, name: name) else {
            throw SluiceError.notFound("Stream '\(name.prefix(100))'")
        }
        return stream
    }

    /// Decoded events (or why each could not be decoded) in, one outcome each out, in order.
    func ingest(_ events: [Result<IncomingEvent, EnvelopeError>], into stream: Stream) async -> [IngestOutcome] {
        var outcomes = [IngestOutcome?](repeating: nil, count: events.count)
        var byPartition: [Int: [(position: Int, record: EventRecord)]] = [:]
        for (position, decoded) in events.enumerated() {
            switch decoded {
            case .failure(let error):
                outcomes[position] = IngestOutcome(
                    index: position, id: nil,
                    status: .rejected(reason: error.errors.first?.detail ?? "Invalid event.", errors: error.errors, quarantineID: nil)
                )
            case .success(let event):
                let partition = Partitioner.partition(key: event.key, id: event.id, partitions: stream.partitions)
                let record = EventRecord(
                    id: event.id, idFromProducer: event.idFromProducer, type: event.type, source: event.source,
                    key: event.key, occurredAt: event.occurredAt, schemaVersion: event.schemaVersion, schemaErrors: nil,
                    attributes: event.attributes.map { JSONValue.object($0).jsonText }, payload: event.data.jsonText
                )
                byPartition[partition, default: []].append((position, record))
                outcomes[position] = IngestOutcome(index: position, id: event.id, status: .failed("not written"), schemaVersion: event.schemaVersion)
            }
        }
        // Partitions commit independently and concurrently; each event's outcome says which
        // of them it reached.
        let appended = await withTaskGroup(of: [(position: Int, partition: Int, outcome: AppendOutcome)].self) { group in
            for (partition, entries) in byPartition {
                let key = EventStore.PartitionKey(tenantID: stream.tenantID, streamID: stream.id, partition: partition)
                group.addTask {
                    let results = await appender.append(entries.map(\.record), to: key)
                    return zip(entries, results).map { (entry, outcome) in (entry.position, partition, outcome) }
                }
            }
            var all: [(position: Int, partition: Int, outcome: AppendOutcome)] = []
            for await results in group { all.append(contentsOf: results) }
            return all
        }
        for (position, partition, result) in appended {
            switch result {
            case .stored(let offset): outcomes[position]!.status = .stored(partition: partition, offset: offset)
            case .duplicate: outcomes[position]!.status = .duplicate
            case .failed(let reason): outcomes[position]!.status = .failed(reason)
            }
        }
        return outcomes.map { $0! }
    }
}
