import Foundation
import OpenAPIRuntime
import SluiceAPI
import SluiceCore

extension APIImplementation {
    func listStreams(_ input: Operations.ListStreams.Input) async throws -> Operations.ListStreams.Output {
        let all = try await streams.list(identity: RequestScope.identity())
        return .ok(.init(body: .json(.init(items: all.map(Components.Schemas.Stream.init)))))
    }

    func createStream(_ input: Operations.CreateStream.Input) async throws -> Operations.CreateStream.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let settings = StreamService.Change(
            description: body.description,
            partitions: body.partitions,
            retentionSeconds: body.retentionSeconds,
            dedupeWindowSeconds: body.dedupeWindowSeconds,
            schemaMode: body.schemaMode?.domain,
            compatibility: body.compatibility?.domain,
            allowedLatenessSeconds: body.allowedLatenessSeconds,
            dimensions: body.dimensions?.additionalProperties
        )
        let stream = try await streams.create(identity: RequestScope.identity(), name: body.name, settings, origin: Self.origin())
        return .created(.init(body: .json(.init(stream))))
    }

    func getStream(_ input: Operations.GetStream.Input) async throws -> Operations.GetStream.Output {
        .ok(.init(body: .json(.init(try await streams.get(identity: RequestScope.identity(), name: input.path.stream)))))
    }

    func updateStream(_ input: Operations.UpdateStream.Input) async throws -> Operations.UpdateStream.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let change = StreamService.Change(
            description: body.description,
            partitions: body.partitions,
            retentionSeconds: body.retentionSeconds,
            dedupeWindowSeconds: body.dedupeWindowSeconds,
            schemaMode: body.schemaMode?.domain,
            compatibility: body.compatibility?.domain,
            allowedLatenessSeconds: body.allowedLatenessSeconds,
            dimensions: body.dimensions?.additionalProperties
        )
        let stream = try await streams.update(identity: RequestScope.identity(), name: input.path.stream, change, origin: Self.origin())
        return .ok(.init(body: .json(.init(stream))))
    }

    func deleteStream(_ input: Operations.DeleteStream.Input) async throws -> Operations.DeleteStream.Output {
        try await streams.delete(identity: RequestScope.identity(), name: input.path.stream, origin: Self.origin())
        return .noContent(.init())
    }
}

extension Components.Schemas.Stream {
    init(_ stream: SluiceCore.Stream) {
        self.init(
            id: stream.id.lowercased,
            name: stream.name,
            description: stream.description,
            partitions: stream.partitions,
            retentionSeconds: stream.retentionSeconds,
            dedupeWindowSeconds: stream.dedupeWindowSeconds,
            schemaMode: .init(rawValue: stream.schemaMode.rawValue)!,
            compatibility: .init(rawValue: stream.compatibility.rawValue)!,
            allowedLatenessSeconds: stream.allowedLatenessSeconds,
            dimensions: .init(additionalProperties: stream.dimensions),
            createdAt: stream.createdAt,
            updatedAt: stream.updatedAt,
            nextOffsets: stream.nextOffsets
        )
    }
}

extension Components.Schemas.SchemaMode {
    var domain: SluiceCore.Stream.SchemaMode { SluiceCore.Stream.SchemaMode(rawValue: rawValue)! }
}

extension Components.Schemas.Compatibility {
    var domain: SluiceCore.Stream.Compatibility { SluiceCore.Stream.Compatibility(rawValue: rawValue)! }
}
