import Foundation
import SluiceAPI
import SluiceCore

extension APIImplementation {
    func listAuditLog(_ input: Operations.ListAuditLog.Input) async throws -> Operations.ListAuditLog.Output {
        let identity = try RequestScope.identity()
        try identity.require(.auditRead)
        let query = input.query
        let limit = query.limit ?? 100
        guard (1...500).contains(limit) else { throw SluiceError.badRequest("limit must be 1 to 500.", pointer: "/limit") }
        let cursor = try query.cursor.map { text in
            guard let seq = Int64(text), seq > 0 else { throw SluiceError.badRequest("The cursor is not one this API gave.", pointer: "/cursor") }
            return seq
        }
        if let actorID = query.actorId, UUID(uuidString: actorID) == nil {
            throw SluiceError.badRequest("actorId is not a UUID.", pointer: "/actorId")
        }
        let filter = AuditLog.Filter(actorID: query.actorId?.lowercased(), action: query.action, since: query.since, until: query.until)
        let entries = try await audit.list(tenantID: identity.tenantID, filter: filter, before: cursor, limit: limit + 1)
        let page = entries.prefix(limit)
        let next = entries.count > limit ? page.last.map { String($0.seq) } : nil
        return .ok(.init(body: .json(.init(items: page.map(Components.Schemas.AuditEntry.init), nextCursor: next))))
    }

    func verifyAuditLog(_ input: Operations.VerifyAuditLog.Input) async throws -> Operations.VerifyAuditLog.Output {
        let identity = try RequestScope.identity()
        try identity.require(.auditRead)
        let result = try await audit.verify(tenantID: identity.tenantID)
        return .ok(
            .init(
                body: .json(
                    .init(
                        valid: result.valid,
                        checked: result.checked,
                        firstBrokenSeq: result.firstBrokenSeq,
                        reason: result.reason,
                        keyed: result.keyed
                    )
                )
            )
        )
    }
}
