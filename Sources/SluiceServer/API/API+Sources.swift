import Foundation
import OpenAPIRuntime
import SluiceAPI
import SluiceCore
import SluicePull

extension APIImplementation {
    func listSources(_ input: Operations.ListSources.Input) async throws -> Operations.ListSources.Output {
        let states = try await sources.list(identity: RequestScope.identity(), stream: input.path.stream)
        return .ok(.init(body: .json(.init(items: states.map(Components.Schemas.PullSource.init)))))
    }

    func createSource(_ input: Operations.CreateSource.Input) async throws -> Operations.CreateSource.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let state = try await sources.create(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: body.name,
            settings: PullSourceSettings(body),
            entities: body.entities ?? [],
            origin: Self.origin()
        )
        return .created(.init(body: .json(.init(state))))
    }

    func describeSource(_ input: Operations.DescribeSource.Input) async throws -> Operations.DescribeSource.Output {
        let state = try await sources.describe(identity: RequestScope.identity(), stream: input.path.stream, name: input.path.source)
        return .ok(.init(body: .json(.init(state))))
    }

    func updateSource(_ input: Operations.UpdateSource.Input) async throws -> Operations.UpdateSource.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let state = try await sources.update(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.source,
            settings: PullSourceSettings(body),
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(state))))
    }

    func deleteSource(_ input: Operations.DeleteSource.Input) async throws -> Operations.DeleteSource.Output {
        try await sources.delete(identity: RequestScope.identity(), stream: input.path.stream, name: input.path.source, origin: Self.origin())
        return .noContent(.init())
    }

    func pauseSource(_ input: Operations.PauseSource.Input) async throws -> Operations.PauseSource.Output {
        let state = try await sources.setState(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.source,
            .paused,
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(state))))
    }

    func resumeSource(_ input: Operations.ResumeSource.Input) async throws -> Operations.ResumeSource.Output {
        let state = try await sources.setState(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.source,
            .active,
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(state))))
    }

    func pollSource(_ input: Operations.PollSource.Input) async throws -> Operations.PollSource.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let count = try await sources.pollNow(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.source,
            entity: body.entity,
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(entities: count))))
    }

    func listSourceEntities(_ input: Operations.ListSourceEntities.Input) async throws -> Operations.ListSourceEntities.Output {
        let limit = input.query.limit ?? 100
        let page = try await sources.entities(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.source,
            after: input.query.cursor,
            failing: input.query.failing ?? false,
            limit: limit
        )
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: page.map(Components.Schemas.PullEntity.init),
                        nextCursor: page.count == limit ? page.last?.entity : nil
                    )
                )
            )
        )
    }

    func addSourceEntities(_ input: Operations.AddSourceEntities.Input) async throws -> Operations.AddSourceEntities.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let change = try await sources.changeEntities(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.source,
            entities: body.entities,
            replace: false,
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(added: change.added, removed: change.removed, total: change.total))))
    }

    func replaceSourceEntities(_ input: Operations.ReplaceSourceEntities.Input) async throws -> Operations.ReplaceSourceEntities.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let change = try await sources.changeEntities(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.source,
            entities: body.entities,
            replace: true,
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(added: change.added, removed: change.removed, total: change.total))))
    }

    func removeSourceEntity(_ input: Operations.RemoveSourceEntity.Input) async throws -> Operations.RemoveSourceEntity.Output {
        try await sources.removeEntity(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.source,
            entity: input.path.entity,
            origin: Self.origin()
        )
        return .noContent(.init())
    }

    func listSourceRuns(_ input: Operations.ListSourceRuns.Input) async throws -> Operations.ListSourceRuns.Output {
        let limit = input.query.limit ?? 100
        var before: UUID?
        if let cursor = input.query.cursor {
            guard let id = UUID(uuidString: cursor) else { throw SluiceError.badRequest("cursor is a nextCursor of this list.", pointer: "/cursor") }
            before = id
        }
        let runs = try await sources.runs(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            name: input.path.source,
            entity: input.query.entity,
            outcome: input.query.outcome.flatMap { PullRun.Outcome(rawValue: $0.rawValue) },
            before: before,
            limit: limit
        )
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: runs.map(Components.Schemas.PullRun.init),
                        nextCursor: runs.count == limit ? runs.last?.id.lowercased : nil
                    )
                )
            )
        )
    }
}

extension PullSourceSettings {
    init(_ body: Components.Schemas.PullSourceSettings) {
        self.init(
            url: body.url,
            headers: body.headers?.additionalProperties,
            secretHeaders: body.secretHeaders?.additionalProperties,
            intervalSeconds: body.intervalSeconds,
            jitterSeconds: body.jitterSeconds,
            timeoutMilliseconds: body.timeoutMs,
            concurrency: body.concurrency,
            requestsPerMinute: body.requestsPerMinute,
            retryInitialSeconds: body.retryInitialSeconds,
            mapping: body.mapping.map(PullMappingSettings.init)
        )
    }

    /// A create request has the settings' members beside its own.
    init(_ body: Components.Schemas.CreatePullSourceRequest) {
        self.init(
            url: body.url,
            headers: body.headers?.additionalProperties,
            secretHeaders: body.secretHeaders?.additionalProperties,
            intervalSeconds: body.intervalSeconds,
            jitterSeconds: body.jitterSeconds,
            timeoutMilliseconds: body.timeoutMs,
            concurrency: body.concurrency,
            requestsPerMinute: body.requestsPerMinute,
            retryInitialSeconds: body.retryInitialSeconds,
            mapping: PullMappingSettings(body.mapping)
        )
    }
}

extension PullMappingSettings {
    init(_ mapping: Components.Schemas.PullMapping) {
        self.init(
            platform: mapping.platform.rawValue,
            kind: mapping.kind?.rawValue,
            metrics: mapping.metrics.additionalProperties,
            handle: mapping.handle,
            account: mapping.account
        )
    }
}

extension Components.Schemas.PullMapping {
    init(_ mapping: PullMapping) {
        self.init(
            platform: .init(rawValue: mapping.platform.rawValue)!,
            kind: .init(rawValue: mapping.kind.rawValue),
            metrics: .init(additionalProperties: mapping.metrics),
            handle: mapping.handle,
            account: mapping.account
        )
    }
}

extension Components.Schemas.PullSource {
    init(_ state: PullSourceState) {
        let (s, h) = (state.source, state.health)
        self.init(
            id: s.id.lowercased,
            name: s.name,
            stream: state.stream,
            url: s.urlTemplate,
            headers: .init(additionalProperties: s.headers),
            secretHeaders: s.secretHeaderNames,
            intervalSeconds: s.intervalSeconds,
            jitterSeconds: s.jitterSeconds,
            timeoutMs: s.timeoutMilliseconds,
            concurrency: s.concurrency,
            requestsPerMinute: s.requestsPerMinute,
            retryInitialSeconds: s.retryInitialSeconds,
            mapping: .init(s.mapping),
            state: s.state == .active ? .active : .paused,
            rateLimitedUntil: s.rateLimitedUntil.flatMap { $0 > Date() ? $0 : nil },
            entities: h.entities,
            due: h.due,
            polling: h.polling,
            failing: h.failing,
            lastRunAt: h.lastRunAt,
            lastSuccessAt: h.lastSuccessAt,
            lastError: h.lastErrorEntity.map { .init(entity: $0, error: h.lastError ?? "", at: h.lastErrorAt ?? Date()) },
            runsLastHour: h.runsLastHour,
            failedLastHour: h.failedLastHour,
            createdAt: s.createdAt,
            updatedAt: s.updatedAt
        )
    }
}

extension Components.Schemas.PullEntity {
    init(_ e: PullEntity) {
        self.init(
            entity: e.entity,
            nextRunAt: e.nextRunAt,
            failures: e.failures,
            polling: e.polling,
            lastRunAt: e.lastRunAt,
            lastSuccessAt: e.lastSuccessAt,
            lastStatus: e.lastStatus,
            lastError: e.lastError
        )
    }
}

extension Components.Schemas.PullRun {
    init(_ r: PullRun) {
        self.init(
            id: r.id.lowercased,
            entity: r.entity,
            startedAt: r.startedAt,
            durationMs: r.durationMs,
            outcome: .init(rawValue: r.outcome.rawValue)!,
            httpStatus: r.httpStatus,
            error: r.error,
            eventId: r.eventID?.lowercased
        )
    }
}
