import SluiceJSON
import Testing

@testable import SluiceCore
@testable import SluiceServer

@Suite("Input bounds")
struct InputBoundsTests {
    /// The schema at `place`, its `$ref` followed.
    static func schema(_ place: InputBounds.Place, in document: JSONValue) -> JSONValue? {
        func at(_ pointer: String) -> JSONValue? {
            var value: JSONValue? = document
            for token in pointer.split(separator: "/") { value = value?[JSONPointer.unescape(String(token))] }
            if let reference = value?["$ref"]?.stringValue, reference.hasPrefix("#") { return at(String(reference.dropFirst())) }
            return value
        }
        switch place {
        case .schema(let pointer):
            return at(pointer)
        case .parameter(let operationID, let name):
            for (_, item) in document["paths"]?.objectValue ?? [:] {
                for (_, operation) in item.objectValue ?? [:] where operation["operationId"]?.stringValue == operationID {
                    for parameter in operation["parameters"]?.arrayValue ?? [] {
                        let resolved = parameter["$ref"]?.stringValue.flatMap { at(String($0.dropFirst())) } ?? parameter
                        if resolved["name"]?.stringValue == name { return resolved["schema"] }
                    }
                }
            }
            return nil
        }
    }

    @Test("every bound the server checks is the bound the document states, at every place it names")
    func sameAsTheDocument() throws {
        let document = try Contract.current.get().document
        for (name, bound) in InputBounds.all {
            #expect(!bound.places.isEmpty, "\(name)")
            for place in bound.places {
                let schema = try #require(Self.schema(place, in: document), "\(name): \(place) is not in the document")
                let (low, high): (String, String) =
                    switch schema["type"]?.stringValue {
                    case "string": ("minLength", "maxLength")
                    case "array": ("minItems", "maxItems")
                    default: ("minimum", "maximum")
                    }
                let stated = (schema[low]?.numberValue?.int64.map(Int.init) ?? 0, schema[high]?.numberValue?.int64.map(Int.init))
                #expect(
                    stated.0 == bound.min && stated.1 == bound.max,
                    "\(name) at \(place): the document says \(stated.0)...\(stated.1.map(String.init) ?? "∞")"
                )
            }
        }
    }
}
