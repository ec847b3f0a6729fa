/// One thing the demo API lists; a fixed catalogue, since the demo is about operations, not data.
struct Item: Codable, Sendable, Equatable {
    var id: Int
    var name: String
    var priceCents: Int

    /// Every item `/api/v1/items` lists.
    static let catalogue: [Item] = [
        Item(id: 1, name: "widget", priceCents: 1_250),
        Item(id: 2, name: "gadget", priceCents: 4_999),
        Item(id: 3, name: "sprocket", priceCents: 325),
    ]
}
