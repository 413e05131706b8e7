import Foundation
import OpenAPIRuntime
import SluiceAPI
import SluiceCore
import SluiceJSON

extension APIImplementation {
    func listSchemas(_ input: Operations.ListSchemas.Input) async throws -> Operations.ListSchemas.Output {
        let versions = try await registry.list(
            identity: RequestScope.identity(),
            streamName: input.path.stream,
            eventType: nil,
            includeDeleted: input.query.includeDeleted ?? false
        )
        return .ok(.init(body: .json(.init(items: try versions.map(Components.Schemas.SchemaVersion.init)))))
    }

    func listSchemaVersions(_ input: Operations.ListSchemaVersions.Input) async throws -> Operations.ListSchemaVersions.Output {
        let versions = try await registry.list(
            identity: RequestScope.identity(),
            streamName: input.path.stream,
            eventType: input.path.eventType,
            includeDeleted: input.query.includeDeleted ?? false
        )
        return .ok(.init(body: .json(.init(items: try versions.map(Components.Schemas.SchemaVersion.init)))))
    }

    func registerSchema(_ input: Operations.RegisterSchema.Input) async throws -> Operations.RegisterSchema.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let (version, created) = try await registry.register(
            identity: RequestScope.identity(),
            streamName: input.path.stream,
            eventType: input.path.eventType,
            schema: try JSONValue(body.schema),
            origin: Self.origin()
        )
        let payload = try Components.Schemas.SchemaVersion(version)
        return created ? .created(.init(body: .json(payload))) : .ok(.init(body: .json(payload)))
    }

    func getSchemaVersion(_ input: Operations.GetSchemaVersion.Input) async throws -> Operations.GetSchemaVersion.Output {
        let version = try await registry.get(
            identity: RequestScope.identity(),
            streamName: input.path.stream,
            eventType: input.path.eventType,
            version: input.path.version,
            includeDeleted: input.query.includeDeleted ?? false
        )
        return .ok(.init(body: .json(try .init(version))))
    }

    func deleteSchemaVersion(_ input: Operations.DeleteSchemaVersion.Input) async throws -> Operations.DeleteSchemaVersion.Output {
        try await registry.delete(
            identity: RequestScope.identity(),
            streamName: input.path.stream,
            eventType: input.path.eventType,
            version: input.path.version,
            origin: Self.origin()
        )
        return .noContent(.init())
    }

    func testSchemaCompatibility(_ input: Operations.TestSchemaCompatibility.Input) async throws -> Operations.TestSchemaCompatibility.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let samples = try (body.samples ?? []).map(JSONValue.init)
        guard samples.count <= 100 else { throw SluiceError.badRequest("At most 100 samples.", pointer: "/samples") }
        let report = try await registry.test(
            identity: RequestScope.identity(),
            streamName: input.path.stream,
            eventType: input.path.eventType,
            schema: try JSONValue(body.schema),
            mode: body.compatibility?.domain,
            samples: samples
        )
        return .ok(
            .init(
                body: .json(
                    .init(
                        compatible: report.compatible,
                        compatibility: .init(rawValue: report.mode.rawValue)!,
                        checkedVersions: report.checkedVersions,
                        errors: report.errors.map { .init(pointer: $0.pointer, detail: $0.detail) },
                        samples: report.samples.map { $0.map { .init(pointer: $0.pointer, detail: $0.detail) } }
                    )
                )
            )
        )
    }

    func listQuarantine(_ input: Operations.ListQuarantine.Input) async throws -> Operations.ListQuarantine.Output {
        let status = QuarantinedEvent.Status(rawValue: input.query.status?.rawValue ?? "held") ?? .held
        let (entries, next) = try await quarantine.list(
            identity: RequestScope.identity(),
            streamName: input.path.stream,
            status: status,
            cursor: input.query.cursor,
            limit: input.query.limit ?? 100
        )
        return .ok(.init(body: .json(.init(items: try entries.map(Components.Schemas.QuarantinedEvent.init), nextCursor: next))))
    }

    func replayQuarantined(_ input: Operations.ReplayQuarantined.Input) async throws -> Operations.ReplayQuarantined.Output {
        let outcome = try await quarantine.replay(
            identity: RequestScope.identity(),
            streamName: input.path.stream,
            id: Self.uuid(input.path.quarantineId, "Quarantined event"),
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(outcome))))
    }

    func discardQuarantined(_ input: Operations.DiscardQuarantined.Input) async throws -> Operations.DiscardQuarantined.Output {
        try await quarantine.discard(
            identity: RequestScope.identity(),
            streamName: input.path.stream,
            id: Self.uuid(input.path.quarantineId, "Quarantined event"),
            origin: Self.origin()
        )
        return .noContent(.init())
    }
}

extension JSONValue {
    /// A free-form value the generated types decoded, as Sluice's JSON value.
    init(_ container: OpenAPIValueContainer) throws {
        do {
            self = try JSONParser.parse(Array(try JSONEncoder().encode(container)))
        } catch {
            throw SluiceError.badRequest("The value is not JSON Sluice can take: \(error).")
        }
    }
}

extension OpenAPIValueContainer {
    init(jsonText: String) throws {
        self = try JSONDecoder().decode(OpenAPIValueContainer.self, from: Data(jsonText.utf8))
    }
}

extension Components.Schemas.SchemaVersion {
    init(_ version: SchemaVersion) throws {
        self.init(
            eventType: version.eventType,
            version: version.version,
            schema: try version.schema.map(OpenAPIValueContainer.init(jsonText:)),
            fingerprint: version.fingerprint,
            createdAt: version.createdAt,
            deleted: version.deleted
        )
    }
}

extension Components.Schemas.QuarantinedEvent {
    init(_ entry: QuarantinedEvent) throws {
        let decoder = JSONDecoder()
        self.init(
            id: entry.id.lowercased,
            eventId: entry.eventID.lowercased,
            eventType: entry.eventType,
            receivedAt: entry.receivedAt,
            status: .init(rawValue: entry.status.rawValue)!,
            resolvedAt: entry.resolvedAt,
            errors: try decoder.decode([Components.Schemas.FieldError].self, from: Data(entry.errors.utf8)),
            event: try decoder.decode(Components.Schemas.QuarantinedEvent.EventPayload.self, from: Data(entry.envelope.utf8))
        )
    }
}
