import SluiceJSON
import Testing

@testable import SluiceCore
@testable import SluiceServer

@Suite("Problem types")
struct ProblemKindTests {
    @Test("the document lists exactly the problem types the server answers")
    func listed() throws {
        let contract = try Contract.current.get()
        let listed = contract.document["components"]?["schemas"]?["Problem"]?["properties"]?["type"]?["x-sluice-problem-types"]?
            .arrayValue?.compactMap(\.stringValue)
        #expect(listed == ProblemKind.allCases.map(\.rawValue).sorted())
    }

    @Test("a status raised below Sluice's code maps to a listed type")
    func statuses() {
        #expect(ProblemKind(httpStatus: .notFound) == .notFound)
        #expect(ProblemKind(httpStatus: .methodNotAllowed) == .methodNotAllowed)
        #expect(ProblemKind(httpStatus: .requestTimeout) == .badRequest)
        #expect(ProblemKind(httpStatus: .badGateway) == .internalError)
    }
}
