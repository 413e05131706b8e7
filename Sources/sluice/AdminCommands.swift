import ArgumentParser
import Foundation
import SluiceCore
import SluiceServer

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Bootstrap and recovery from the shell (audited with the system as actor).",
        subcommands: [CreateTenant.self, AddMember.self, SetPassword.self, CreateApiKey.self, SetPlan.self, ResealSecrets.self, Demo.self]
    )
}

/// Reads a password from standard input (one line) so that it stays out of `ps` and shell history.
func readPassword(_ fromStdin: Bool) throws -> String? {
    guard fromStdin else { return nil }
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw ValidationError("expected the password on standard input")
    }
    return line
}

func parseTenantID(_ text: String) throws -> UUID {
    guard let id = UUID(uuidString: text) else { throw ValidationError("'\(text)' is not a tenant id (UUID)") }
    return id
}

struct CreateTenant: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a tenant owned by a user (created if new).")
    @OptionGroup var common: CommonOptions
    @Option(help: "The tenant's name.") var name: String
    @Option(help: "The owner's email.") var ownerEmail: String
    @Flag(help: "Read a new owner's password from standard input.") var passwordStdin = false

    func run() async throws {
        let configuration = try common.configuration()
        let password = try readPassword(passwordStdin)
        let (tenant, user) = try await Admin.with(configuration, logger: common.logger(configuration)) { admin in
            try await admin.createTenant(name: name, ownerEmail: ownerEmail, password: password)
        }
        print("tenant \(tenant.id.uuidString.lowercased()) \(tenant.name), owner \(user.email)")
    }
}

struct AddMember: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-member",
        abstract: "Add a user (created if new) to a tenant, or change their role there."
    )
    @OptionGroup var common: CommonOptions
    @Option(help: "The tenant id.") var tenant: String
    @Option(help: "The user's email.") var email: String
    @Option(help: "owner, admin, developer or viewer.") var role: String = "owner"
    @Flag(help: "Read a new user's password from standard input.") var passwordStdin = false

    func run() async throws {
        let configuration = try common.configuration()
        guard let role = Role(rawValue: role) else { throw ValidationError("unknown role '\(role)'") }
        let tenantID = try parseTenantID(tenant)
        let password = try readPassword(passwordStdin)
        let user = try await Admin.with(configuration, logger: common.logger(configuration)) { admin in
            try await admin.addMember(tenantID: tenantID, email: email, password: password, role: role)
        }
        print("\(user.email) is \(role.rawValue) of \(tenantID.uuidString.lowercased())")
    }
}

struct SetPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set-password", abstract: "Set a user's password (read from standard input).")
    @OptionGroup var common: CommonOptions
    @Option(help: "The user's email.") var email: String

    func run() async throws {
        let configuration = try common.configuration()
        guard let password = try readPassword(true) else { return }
        try await Admin.with(configuration, logger: common.logger(configuration)) { admin in
            try await admin.setPassword(email: email, password: password)
        }
        print("password set for \(email)")
    }
}

struct ResealSecrets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reseal-secrets",
        abstract: "Seal every stored secret again with the first SLUICE_SECRETS_KEY (after a rotation: new,old).",
        discussion: "Webhook signing secrets, platform app secrets and pull sources' secret headers; afterwards the old key can be dropped."
    )
    @OptionGroup var common: CommonOptions

    func run() async throws {
        let configuration = try common.configuration()
        let count = try await Admin.with(configuration, logger: common.logger(configuration)) { admin in
            try await admin.resealSecrets()
        }
        print("\(count) secrets sealed again with the first key")
    }
}

struct CreateApiKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create-api-key", abstract: "Create an API key; prints its secret once.")
    @OptionGroup var common: CommonOptions
    @Option(help: "The tenant id.") var tenant: String
    @Option(help: "A name for the key.") var name: String
    @Option(help: "Comma-separated scopes: events:write, events:read, streams:manage, admin.")
    var scopes: String = "events:write,events:read"
    @Option(help: "Comma-separated stream names the key is limited to (default: all).") var streams: String?

    func run() async throws {
        let configuration = try common.configuration()
        let tenantID = try parseTenantID(tenant)
        let parsed = try scopes.split(separator: ",").map { text in
            guard let scope = ApiKeyScope(rawValue: String(text)) else { throw ValidationError("unknown scope '\(text)'") }
            return scope
        }
        let streams = streams.map { $0.split(separator: ",").map(String.init) }
        let (key, secret) = try await Admin.with(configuration, logger: common.logger(configuration)) { admin in
            try await admin.createApiKey(tenantID: tenantID, name: name, scopes: parsed, streams: streams)
        }
        print("key \(key.id.uuidString.lowercased()) \(key.name): \(secret)")
    }
}

/// The demo tenant for scripts/run.sh: made once, found again later.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the demo tenant and owner (or reset their password) and a new API key; prints shell assignments."
    )
    @OptionGroup var common: CommonOptions
    @Option var email = "demo@sluice.local"
    @Flag(help: "Read the demo owner's password from standard input.") var passwordStdin = false

    func run() async throws {
        let configuration = try common.configuration()
        let password = try readPassword(passwordStdin)
        let email = email
        let lines: [String] = try await Admin.with(configuration, logger: common.logger(configuration)) { admin in
            let tenant: Tenant
            if let existing = try await admin.ownedTenants(email: email).first {
                // The credentials were lost (e.g. .local/demo.env removed): make new ones.
                tenant = existing
                if let password { try await admin.setPassword(email: email, password: password) }
            } else {
                tenant = try await admin.createTenant(name: "Demo", ownerEmail: email, password: password).0
            }
            let (_, secret) = try await admin.createApiKey(
                tenantID: tenant.id,
                name: "demo producer",
                scopes: [.eventsWrite, .eventsRead, .streamsManage],
                streams: nil
            )
            return ["DEMO_TENANT_ID=\(tenant.id.uuidString.lowercased())", "DEMO_API_KEY=\(secret)"]
        }
        for line in lines { print(line) }
    }
}

struct SetPlan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-plan",
        abstract: "Put a tenant on a plan (SLUICE_PLANS) and/or override its monthly event quota."
    )
    @OptionGroup var common: CommonOptions
    @Option(help: "The tenant id.") var tenant: String
    @Option(help: "The plan, e.g. free, team, business.") var plan: String?
    @Option(help: "Events a month for this tenant, or 'plan' for the plan's.") var monthlyEvents: String?

    func run() async throws {
        let configuration = try common.configuration()
        let tenantID = try parseTenantID(tenant)
        let quota: Admin.QuotaSetting
        switch monthlyEvents {
        case nil: quota = .keep
        case "plan": quota = .plan
        case let text?:
            guard let count = Int(text), count >= 0 else { throw ValidationError("--monthly-events is a count or 'plan'") }
            quota = .events(count)
        }
        guard plan != nil || quota != .keep else { throw ValidationError("give --plan, --monthly-events or both") }
        let (name, monthly) = try await Admin.with(configuration, logger: common.logger(configuration)) { admin in
            try await admin.setPlan(tenantID: tenantID, plan: plan, quota: quota, plans: configuration.rateLimits.plans)
        }
        print("tenant \(tenantID.uuidString.lowercased()): plan \(name), \(monthly.map { "\($0) events a month" } ?? "no monthly quota")")
    }
}
