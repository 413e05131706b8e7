import Foundation
import HTTPTypes
import Testing

@testable import SluiceServer

@Suite("Patterns through the API: a pathological one costs its budget, not the server")
struct PatternAPITests {
    @Test(
        "a key with events:read tests ^(a+)+$ on forty 20,000-character samples, and an enforcing stream validates such an event: both answered, the server stays responsive"
    )
    func pathologicalOverHTTP() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("redos")
            let (stream, key) = try await sluice.stream(owner)
            let reader = try await sluice.createKey(owner, scopes: [.events_colon_read]).value2.secret
            let schema = #"{"type":"object","properties":{"name":{"type":"string","pattern":"^(a+)+$"}}}"#
            let attack = String(repeating: "a", count: 20_000) + "!"
            let samples = Array(repeating: #"{"name":"\#(attack)"}"#, count: 40).joined(separator: ",")
            let started = ContinuousClock.now
            async let compatibility = sluice.send(
                .post,
                "/v1/streams/\(stream)/schemas/profile/compatibility",
                body: #"{"schema":\#(schema),"samples":[\#(samples)]}"#,
                headers: bearer(reader)
            )
            // Meanwhile another request is answered.
            #expect(try await sluice.send(.get, "/healthz").status == .ok)
            let report = try await compatibility
            #expect(report.status == .ok, "\(String(buffer: report.body).prefix(300))")
            let errors = (report.problem["samples"] as? [Any])?.count
            #expect(errors == 40, "every sample reported")

            #expect(
                try await sluice.send(
                    .post,
                    "/v1/streams/\(stream)/schemas/profile/versions",
                    body: #"{"schema":\#(schema)}"#,
                    headers: bearer(owner.token)
                ).status == .created
            )
            #expect(
                try await sluice.send(.patch, "/v1/streams/\(stream)", body: #"{"schemaMode":"enforce"}"#, headers: bearer(owner.token)).status == .ok
            )
            let event = try await sluice.send(
                .post,
                "/v1/streams/\(stream)/events",
                body: #"{"type":"profile","data":{"name":"\#(attack)"}}"#,
                headers: bearer(key)
            )
            #expect(event.status == .unprocessableContent, "refused by the pattern: \(String(buffer: event.body).prefix(300))")
            // Exponential backtracking would not end; a generous bound, not a benchmark.
            #expect(ContinuousClock.now - started < .seconds(60))
        }
    }
}
