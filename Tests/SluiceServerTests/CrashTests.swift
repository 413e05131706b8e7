import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import PostgresNIO
import SluiceClient
import Testing

@testable import SluiceServer

/// The durable ack, tested the hard way: the real `sluice` binary under load is killed with
/// SIGKILL, and every event it acknowledged must be in the store.
@Suite("Crash safety")
struct CrashTests {
    @Test("SIGKILL mid-load loses no acknowledged event")
    func sigkill() async throws {
        let (tenantID, stream, key) = try await withSluice { harness in
            let owner = try await harness.signup("crash")
            let (stream, key) = try await harness.stream(owner, partitions: 4)
            return (owner.tenantID, stream, key)
        }
        let server = try await ServerProcess(environment: ["SLUICE_RATE_LIMITS_ENABLED": "false"])
        defer { server.kill() }
        let client = server.client(key)
        // Killed once a fair load is acknowledged (not after a fixed time: on a busy machine
        // a second may hold only a few batches), while the producers keep sending.
        let ackedSoFar = NIOLockedValueBox(0)

        let acknowledged = try await withThrowingTaskGroup(of: [(UUID, Int, Int64)].self) { group in
            for producer in 0..<6 {
                group.addTask {
                    var acked: [(UUID, Int, Int64)] = []
                    for round in 0..<10_000 {
                        let events = (0..<20).map { index in
                            Components.Schemas.EventInput(
                                id: UUID().uuidString,
                                _type: "load",
                                key: "p\(producer)-\(index % 5)",
                                data: json("{\"round\":\(round)}")
                            )
                        }
                        guard let result = try? await client.ingestBatch(path: .init(stream: stream), body: .json(.init(events: events))).ok.body.json
                        else {
                            return acked  // the server is gone
                        }
                        for outcome in result.results where outcome.status == .stored {
                            acked.append((UUID(uuidString: outcome.id!)!, outcome.partition!, outcome.offset!))
                        }
                        ackedSoFar.withLockedValue { $0 += result.results.count }
                    }
                    return acked
                }
            }
            group.addTask {
                let started = ContinuousClock.now
                while ackedSoFar.withLockedValue({ $0 }) < 600, ContinuousClock.now - started < .seconds(30) {
                    try await Task.sleep(for: .milliseconds(10))
                }
                server.kill()
                return []
            }
            var all: [(UUID, Int, Int64)] = []
            for try await acked in group { all += acked }
            return all
        }
        server.process.waitUntilExit()
        #expect(server.process.terminationReason == .uncaughtSignal)
        #expect(acknowledged.count > 100, "too little load before the kill to prove anything")

        let stored = try await asSuperuser { client in
            let rows = try await client.query(
                """
                SELECT e.id, e.partition, e."offset" FROM events e JOIN streams s ON s.tenant_id = e.tenant_id AND s.id = e.stream_id
                WHERE s.tenant_id = \(UUID(uuidString: tenantID)!) AND s.name = \(stream)
                """
            )
            var found: [UUID: (Int, Int64)] = [:]
            for try await (id, partition, offset) in rows.decode((UUID, Int16, Int64).self) { found[id] = (Int(partition), offset) }
            return found
        }
        let lost = acknowledged.filter { stored[$0.0] == nil }
        #expect(lost.isEmpty, "\(lost.count) of \(acknowledged.count) acknowledged events are missing")
        let moved = acknowledged.filter { id, partition, offset in stored[id].map { $0 != (partition, offset) } ?? false }
        #expect(moved.isEmpty, "acknowledged positions differ from stored ones")
        // Offsets stay dense: what was stored, acknowledged or not, has no holes.
        for partition in 0..<4 {
            let offsets = stored.values.filter { $0.0 == partition }.map(\.1).sorted()
            #expect(offsets == Array(0..<Int64(offsets.count)), "partition \(partition) has holes")
        }
    }
}
