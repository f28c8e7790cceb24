/// The kind of chat an event came from. Kept in clear in the inbox because triage declines group and room
/// chats (a one-to-one service) before it needs to open anything.
public enum SourceKind: String, Sendable, Hashable, Codable, CaseIterable {
    case user
    case group
    case room
    /// No source, or a source type LINE added later.
    case none
}
