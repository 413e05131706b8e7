import Foundation
import HTTPTypes
import HummingbirdTesting
import SluiceClient
import Testing

@testable import SluiceServer

@Suite("Streams")
struct StreamTests {
    @Test("create, list, get, update, delete — each audited; partitions grow, never shrink")
    func lifecycle() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("streams")
            let api = harness.api(owner.token)
            let created = try await api.createStream(
                body: .json(
                    .init(
                        name: "posts",
                        description: "social posts",
                        partitions: 3,
                        retentionSeconds: 86400,
                        schemaMode: .warn
                    )
                )
            ).created.body.json
            #expect(created.partitions == 3)
            #expect(created.nextOffsets == [0, 0, 0])
            #expect(created.retentionSeconds == 86400)
            #expect(created.dedupeWindowSeconds == 86400)
            #expect(created.schemaMode == .warn)
            #expect(created.compatibility == .backward)

            let listed = try await api.listStreams().ok.body.json.items
            #expect(listed.map(\.name) == ["posts"])

            let grown = try await api.updateStream(path: .init(stream: "posts"), body: .json(.init(partitions: 5, compatibility: .full))).ok.body.json
            #expect(grown.partitions == 5)
            #expect(grown.nextOffsets.count == 5)
            #expect(grown.compatibility == .full)
            #expect(grown.description == "social posts")

            let shrink = try await api.updateStream(path: .init(stream: "posts"), body: .json(.init(partitions: 2)))
            #expect(try shrink.badRequest.body.applicationProblemJson.errors?.first?.pointer == "/partitions")

            let duplicate = try await api.createStream(body: .json(.init(name: "posts")))
            #expect(try duplicate.conflict.body.applicationProblemJson.status == 409)

            _ = try await api.deleteStream(path: .init(stream: "posts")).noContent
            #expect(try await api.getStream(path: .init(stream: "posts")).notFound.body.applicationProblemJson.status == 404)
            // The name is free again; the new stream starts from offset 0.
            let again = try await api.createStream(body: .json(.init(name: "posts"))).created.body.json
            #expect(again.id != created.id)
            #expect(again.nextOffsets == [0])

            let actions = try await api.listAuditLog(query: .init(action: "stream.*")).ok.body.json.items.map(\.action)
            #expect(actions == ["stream.created", "stream.deleted", "stream.updated", "stream.created"])
        }
    }

    @Test("bad names and values are 400 with a pointer")
    func validation() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("streamvalidation")
            let api = harness.api(owner.token)
            for (body, pointer) in [
                (Components.Schemas.CreateStreamRequest(name: "Has Spaces"), "/name"),
                (.init(name: "-leading"), "/name"),
                (.init(name: String(repeating: "a", count: 101)), "/name"),
                (.init(name: "ok", partitions: 65), "/partitions"),
                (.init(name: "ok", partitions: 0), "/partitions"),
                (.init(name: "ok", retentionSeconds: 60), "/retentionSeconds"),
                (.init(name: "ok", dedupeWindowSeconds: 1), "/dedupeWindowSeconds"),
            ] {
                let response = try await api.createStream(body: .json(body))
                #expect(try response.badRequest.body.applicationProblemJson.errors?.first?.pointer == pointer)
            }
            #expect(try await api.listStreams().ok.body.json.items.isEmpty)
        }
    }

    @Test("roles and keys: viewers read, developers manage; keys limited to streams see only those; other tenants see 404")
    func access() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("streamaccess")
            let viewer = try await harness.member(of: owner, role: .viewer)
            let developer = try await harness.member(of: owner, role: .developer)
            let stranger = try await harness.signup("stranger")
            _ = try await harness.api(developer.token).createStream(body: .json(.init(name: "a"))).created
            _ = try await harness.api(developer.token).createStream(body: .json(.init(name: "b"))).created
            #expect(
                try await harness.api(viewer.token).createStream(body: .json(.init(name: "c"))).forbidden.body.applicationProblemJson.status == 403
            )
            #expect(try await harness.api(viewer.token).listStreams().ok.body.json.items.count == 2)
            #expect(try await harness.api(stranger.token).getStream(path: .init(stream: "a")).notFound.body.applicationProblemJson.status == 404)
            #expect(try await harness.api(stranger.token).deleteStream(path: .init(stream: "a")).notFound.body.applicationProblemJson.status == 404)
            #expect(try await harness.api(stranger.token).listStreams().ok.body.json.items.isEmpty)

            let limited = try await harness.createKey(owner, scopes: [.streams_colon_manage], streams: ["a"])
            let keyAPI = harness.api(limited.value2.secret)
            #expect(try await keyAPI.listStreams().ok.body.json.items.map(\.name) == ["a"])
            #expect(try await keyAPI.getStream(path: .init(stream: "b")).notFound.body.applicationProblemJson.status == 404)
            #expect(try await keyAPI.createStream(body: .json(.init(name: "z"))).forbidden.body.applicationProblemJson.status == 403)
        }
    }
}
