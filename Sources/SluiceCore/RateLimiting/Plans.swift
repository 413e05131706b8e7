import Foundation
import Logging
import PostgresNIO
import SluiceDatabase
import Synchronization

/// What a plan grants: each API key's request and event rates, and the tenant's events per
/// calendar month (UTC). Plans are the operator's configuration (`SLUICE_PLANS`); a tenant's
/// plan and quota override are set with `sluice admin set-plan`, a key's limits by the
/// tenant's admins (`PUT /v1/api-keys/{id}/rate-limits`, at most the plan's).
public struct Plan: Sendable, Equatable {
    public var requests: RateLimit
    public var events: RateLimit
    /// nil: unlimited.
    public var monthlyEvents: Int?

    public init(requests: RateLimit, events: RateLimit, monthlyEvents: Int?) {
        self.requests = requests
        self.events = events
        self.monthlyEvents = monthlyEvents
    }

    public static let builtIn: [String: Plan] = [
        "free": Plan(requests: RateLimit(perSecond: 100, burst: 200), events: RateLimit(perSecond: 2_000, burst: 10_000), monthlyEvents: 1_000_000),
        "team": Plan(
            requests: RateLimit(perSecond: 500, burst: 1_000),
            events: RateLimit(perSecond: 10_000, burst: 50_000),
            monthlyEvents: 50_000_000
        ),
        "business": Plan(
            requests: RateLimit(perSecond: 2_000, burst: 4_000),
            events: RateLimit(perSecond: 50_000, burst: 200_000),
            monthlyEvents: nil
        ),
    ]

    /// `name:requests=R/B,events=R/B,monthly=N|unlimited[;name:…]`; each entry replaces (or
    /// adds) that plan, parts left out keep the built-in plan's (or free's) values.
    public static func parse(_ spec: String, into plans: inout [String: Plan]) throws {
        for entry in spec.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let name = parts.first.map(String.init), name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            else {
                throw ConfigurationError("SLUICE_PLANS entry '\(entry)' is not name:requests=R/B,events=R/B,monthly=N")
            }
            var plan = plans[name] ?? plans["free"] ?? builtIn["free"]!
            for setting in parts[1].split(separator: ",") {
                let pair = setting.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { throw ConfigurationError("SLUICE_PLANS '\(setting)' is not name=value") }
                switch pair[0] {
                case "requests", "events":
                    guard let limit = RateLimit(pair[1]) else {
                        throw ConfigurationError("SLUICE_PLANS \(pair[0]) '\(pair[1])' is not rate/burst, e.g. 100/200")
                    }
                    if pair[0] == "requests" { plan.requests = limit } else { plan.events = limit }
                case "monthly":
                    if pair[1] == "unlimited" {
                        plan.monthlyEvents = nil
                    } else {
                        guard let quota = Int(pair[1]), quota >= 0 else {
                            throw ConfigurationError("SLUICE_PLANS monthly '\(pair[1])' is not a count or unlimited")
                        }
                        plan.monthlyEvents = quota
                    }
                default: throw ConfigurationError("SLUICE_PLANS knows requests, events and monthly, not '\(pair[0])'")
                }
            }
            plans[name] = plan
        }
    }
}

/// A key's own limits, where its tenant's admins set them (nil: the plan's).
public struct KeyLimitOverrides: Sendable, Equatable {
    public var requests: RateLimit?
    public var events: RateLimit?
    public init(requests: RateLimit? = nil, events: RateLimit? = nil) {
        self.requests = requests
        self.events = events
    }
}

/// A tenant's plan as it applies now: the plan's limits and the tenant's monthly quota
/// (its override, else the plan's).
public struct TenantLimits: Sendable, Equatable {
    public var planName: String
    public var plan: Plan
    public var monthlyEvents: Int?
}

/// Tenants' plans, read from PostgreSQL and kept for `timeToLive`, so that a limit check does
/// not read the tenant on every request. A plan change reaches every node within that time.
package final class TenantPlans: Sendable {
    private let client: Database
    private let logger: Logger
    private let plans: [String: Plan]
    private let defaultPlan: String
    private let timeToLive: TimeInterval
    private let entries = Mutex<[UUID: (limits: TenantLimits, until: Date)]>([:])

    package init(client: Database, logger: Logger, plans: [String: Plan], defaultPlan: String, timeToLive: TimeInterval = 10) {
        self.client = client
        self.logger = logger
        self.plans = plans
        self.defaultPlan = defaultPlan
        self.timeToLive = timeToLive
    }

    package func limits(for tenantID: UUID) async throws -> TenantLimits {
        let now = Date()
        if let cached = entries.withLock({ $0[tenantID] }), cached.until > now { return cached.limits }
        guard let (name, override) = try await TenantRepository(logger: logger).plan(id: tenantID, on: client) else {
            throw SluiceError.notFound("The tenant")
        }
        let limits = resolve(planName: name, quotaOverride: override.map(Int.init))
        entries.withLock { entries in
            if entries.count > 100_000 { entries.removeAll(keepingCapacity: true) }
            entries[tenantID] = (limits, now.addingTimeInterval(timeToLive))
        }
        return limits
    }

    func resolve(planName: String, quotaOverride: Int?) -> TenantLimits {
        let plan: Plan
        if let configured = plans[planName] {
            plan = configured
        } else {
            logger.warning(
                "a tenant's plan is not configured; the default plan applies",
                metadata: ["plan": "\(planName)", "default": "\(defaultPlan)"]
            )
            plan = plans[defaultPlan] ?? Plan.builtIn["free"]!
        }
        return TenantLimits(planName: planName, plan: plan, monthlyEvents: quotaOverride ?? plan.monthlyEvents)
    }
}
