import Testing

@testable import SluiceCore
@testable import SluiceServer

@Suite("Access policy")
struct AccessPolicyTests {
    @Test("the permission matrix: each role gets what the README says")
    func matrix() {
        #expect(Role.viewer.permissions == [.tenantRead, .membersRead, .streamsRead, .eventsRead])
        #expect(!Role.developer.permissions.contains(.membersManage))
        #expect(Role.developer.permissions.contains(.eventsWrite))
        #expect(Role.admin.permissions.contains(.membersManage))
        #expect(!Role.admin.permissions.contains(.ownersManage))
        #expect(Role.owner.permissions == Set(Permission.allCases))
        #expect(!ApiKeyScope.admin.permissions.contains(.membersManage))
        #expect(ApiKeyScope.eventsWrite.permissions == [.eventsWrite, .streamsRead])
    }
}
