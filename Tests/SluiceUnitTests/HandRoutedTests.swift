import Testing

@testable import SluiceServer

@Suite("Hand-routed operations")
struct HandRoutedTests {
    @Test("each hand-routed operation is in the document, registered at its own path, and excluded from the generated handlers")
    func fromOneList() throws {
        let contract = try Contract.current.get()
        for route in IngestRoutes.Route.allCases {
            #expect(contract.operations[route.operation] != nil, "\(route.operation)")
            #expect(IngestRoutes.operations.contains(route.operation))
        }
        #expect(IngestRoutes.operations.count == IngestRoutes.Route.allCases.count)
        #expect(IngestRoutes.Route.platform.routerPath == "/v1/streams/:stream/platforms/:platform")
        #expect(IngestRoutes.Route.batch.routerPath == "/v1/streams/:stream/events/batch")
    }
}
