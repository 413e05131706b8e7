import Foundation
import SluiceAPI
import SluiceCore

extension APIImplementation {
    func listApiKeys(_ input: Operations.ListApiKeys.Input) async throws -> Operations.ListApiKeys.Output {
        let identity = try RequestScope.identity()
        let keys = try await apiKeys.list(identity: identity, includeRevoked: input.query.includeRevoked ?? false)
        let plan = try await limits.plans.limits(for: identity.tenantID).plan
        return .ok(.init(body: .json(.init(items: keys.map { Components.Schemas.ApiKey($0, plan: plan) }))))
    }

    func createApiKey(_ input: Operations.CreateApiKey.Input) async throws -> Operations.CreateApiKey.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let identity = try RequestScope.identity()
        let request = ApiKeyService.NewKey(
            name: body.name,
            scopes: body.scopes.map(\.domain),
            streams: body.streams,
            expiresAt: body.expiresAt
        )
        let (key, secret) = try await apiKeys.create(identity: identity, request, origin: Self.origin())
        let plan = try await limits.plans.limits(for: identity.tenantID).plan
        return .created(.init(body: .json(.init(value1: .init(key, plan: plan), value2: .init(secret: secret)))))
    }

    func getApiKey(_ input: Operations.GetApiKey.Input) async throws -> Operations.GetApiKey.Output {
        let identity = try RequestScope.identity()
        let key = try await apiKeys.get(identity: identity, id: Self.uuid(input.path.keyId, "API key"))
        return .ok(.init(body: .json(.init(key, plan: try await limits.plans.limits(for: identity.tenantID).plan))))
    }

    func revokeApiKey(_ input: Operations.RevokeApiKey.Input) async throws -> Operations.RevokeApiKey.Output {
        try await apiKeys.revoke(identity: RequestScope.identity(), id: Self.uuid(input.path.keyId, "API key"), origin: Self.origin())
        return .noContent(.init())
    }

    func setApiKeyRateLimits(_ input: Operations.SetApiKeyRateLimits.Input) async throws -> Operations.SetApiKeyRateLimits.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let identity = try RequestScope.identity()
        let overrides = KeyLimitOverrides(
            requests: body.requests.map { RateLimit(perSecond: $0.perSecond, burst: $0.burst) },
            events: body.events.map { RateLimit(perSecond: $0.perSecond, burst: $0.burst) }
        )
        let key = try await apiKeys.setLimits(identity: identity, id: Self.uuid(input.path.keyId, "API key"), overrides, origin: Self.origin())
        return .ok(.init(body: .json(.init(key, plan: try await limits.plans.limits(for: identity.tenantID).plan))))
    }

    func getUsage(_ input: Operations.GetUsage.Input) async throws -> Operations.GetUsage.Output {
        let identity = try RequestScope.identity()
        try identity.require(.tenantRead)
        let months = input.query.months ?? 3
        guard (1...24).contains(months) else { throw SluiceError.badRequest("months is from 1 to 24.", pointer: "/months") }
        let tenant = try await limits.plans.limits(for: identity.tenantID)
        let current = UsagePeriod(containing: limits.now())
        var periods = [current]
        while periods.count < months { periods.append(periods.last!.previous) }
        let rows = try await limits.usage.report(tenantID: identity.tenantID, since: periods.last!)
        let report = periods.map { period in
            let keys = rows.filter { $0.period == period }.map { row in
                let isMembers = row.keyID == UsageRecorder.members
                return Components.Schemas.KeyUsage(
                    principal: isMembers ? .members : .apiKey,
                    keyId: isMembers ? nil : row.keyID.lowercased,
                    name: row.keyName,
                    events: Int64(row.counts.events),
                    requests: Int64(row.counts.requests)
                )
            }
            return Components.Schemas.UsagePeriod(
                period: period.label,
                start: period.start,
                end: period.end,
                events: keys.reduce(0) { $0 + $1.events },
                requests: keys.reduce(0) { $0 + $1.requests },
                quota: tenant.monthlyEvents.map(Int64.init),
                keys: keys
            )
        }
        return .ok(.init(body: .json(.init(plan: tenant.planName, periods: report))))
    }
}
