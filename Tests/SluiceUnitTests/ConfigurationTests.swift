import SluiceCore
import Testing

@testable import SluiceServer

@Suite("Configuration")
struct ConfigurationTests {
    let base = [
        "SLUICE_DATABASE_URL": "postgres://sluice:secret@127.0.0.1:5432/sluice",
        "SLUICE_JWT_KEYS": "k1:\(String(repeating: "A", count: 44))",
    ]

    @Test("the pool: a size and a minimum kept open, the minimum never above the size, out-of-range values refused")
    func pool() throws {
        let defaults = try SluiceConfiguration.fromEnvironment(base)
        #expect(try defaults.postgresConfiguration().options.maximumConnections == 20)
        #expect(try defaults.postgresConfiguration().options.minimumConnections == 8)

        var environment = base
        environment["SLUICE_DATABASE_POOL_SIZE"] = "5"
        environment["SLUICE_DATABASE_POOL_MIN"] = "12"
        let small = try SluiceConfiguration.fromEnvironment(environment)
        #expect(try small.postgresConfiguration().options.maximumConnections == 5)
        #expect(try small.postgresConfiguration().options.minimumConnections == 5)

        environment["SLUICE_DATABASE_POOL_MIN"] = "0"
        #expect(try SluiceConfiguration.fromEnvironment(environment).postgresConfiguration().options.minimumConnections == 0)
        for bad in ["-1", "1001", "many"] {
            environment["SLUICE_DATABASE_POOL_MIN"] = bad
            #expect(throws: ConfigurationError.self) { try SluiceConfiguration.fromEnvironment(environment) }
        }
    }
}
