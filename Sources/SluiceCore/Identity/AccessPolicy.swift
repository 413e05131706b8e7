/// Who may do what: the one place where roles and API-key scopes become permissions.
///
/// | permission       | viewer | developer | admin | owner | key scopes            |
/// |------------------|:------:|:---------:|:-----:|:-----:|-----------------------|
/// | tenant:read      |   ✓    |     ✓     |   ✓   |   ✓   | admin                 |
/// | members:read     |   ✓    |     ✓     |   ✓   |   ✓   | admin                 |
/// | streams:read     |   ✓    |     ✓     |   ✓   |   ✓   | any scope             |
/// | events:read      |   ✓    |     ✓     |   ✓   |   ✓   | events:read, admin    |
/// | events:write     |        |     ✓     |   ✓   |   ✓   | events:write, admin   |
/// | streams:manage   |        |     ✓     |   ✓   |   ✓   | streams:manage, admin |
/// | apikeys:read     |        |     ✓     |   ✓   |   ✓   | admin                 |
/// | apikeys:manage   |        |           |   ✓   |   ✓   | admin                 |
/// | members:manage   |        |           |   ✓   |   ✓   |                       |
/// | audit:read       |        |           |   ✓   |   ✓   | admin                 |
/// | owners:manage    |        |           |       |   ✓   |                       |
///
/// Members are people: no API key can add, change or remove them.
public enum Permission: String, Sendable, CaseIterable, Comparable {
    case tenantRead = "tenant:read"
    case membersRead = "members:read"
    case streamsRead = "streams:read"
    case eventsRead = "events:read"
    case eventsWrite = "events:write"
    case streamsManage = "streams:manage"
    case apiKeysRead = "apikeys:read"
    case apiKeysManage = "apikeys:manage"
    case membersManage = "members:manage"
    case auditRead = "audit:read"
    case ownersManage = "owners:manage"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// What concerns the whole tenant rather than its streams: never held by a key limited to
    /// streams.
    public static let tenantWide: Set<Permission> = [
        .tenantRead, .membersRead, .apiKeysRead, .apiKeysManage, .auditRead, .membersManage, .ownersManage,
    ]
}

public enum Role: String, Sendable, CaseIterable, Codable {
    case owner, admin, developer, viewer

    public var permissions: Set<Permission> {
        switch self {
        case .viewer: [.tenantRead, .membersRead, .streamsRead, .eventsRead]
        case .developer: Role.viewer.permissions.union([.eventsWrite, .streamsManage, .apiKeysRead])
        case .admin: Role.developer.permissions.union([.apiKeysManage, .membersManage, .auditRead])
        case .owner: Role.admin.permissions.union([.ownersManage])
        }
    }
}

public enum ApiKeyScope: String, Sendable, CaseIterable, Codable {
    case eventsWrite = "events:write"
    case eventsRead = "events:read"
    case streamsManage = "streams:manage"
    case admin

    public var permissions: Set<Permission> {
        switch self {
        case .eventsWrite: [.eventsWrite, .streamsRead]
        case .eventsRead: [.eventsRead, .streamsRead]
        case .streamsManage: [.streamsManage, .streamsRead]
        case .admin:
            [
                .tenantRead, .membersRead, .streamsRead, .eventsRead, .eventsWrite, .streamsManage,
                .apiKeysRead, .apiKeysManage, .auditRead,
            ]
        }
    }
}
