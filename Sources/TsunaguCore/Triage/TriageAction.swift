/// An effect the engine decides on, as data. The caller carries them out in the same transaction that
/// stores the new conversation state, so a decision and its effects are never separated by a crash.
public enum TriageAction: Sendable, Hashable {
    /// Send these messages to her (in order; the caller uses the event's reply token while it is fresh).
    case send([BotMessage])
    /// Keep this in her case's transcript (her words, or 「[スタンプ]」 for a sticker), encrypted.
    case record(String)
    /// Hold her words, sealed, before she has agreed to the privacy notice (added to any already held).
    case holdWords(String)
    /// She agreed: her held words go into her new case's transcript, before anything else of this event.
    case releaseHeldWords
    /// She declined, asked to stop, left, or waited too long: her held words are destroyed.
    case dropHeldWords
    /// Delete her message with this LINE id from the transcript (she unsent it).
    case deleteMessage(messageID: String)
    /// Destroy the content of her case at once (she asked to stop): its key is deleted.
    case shredCase(caseID: String)
    /// Withhold every send still waiting for her (she blocked the account).
    case stopPushes
    /// She confirmed erasure: everything of hers goes (``TriageCommit/Erasure``). `closing` is her last case's final
    /// record, which her state no longer holds, to be saved before its link to her is cut.
    case erase(closing: CaseRecord?)
    /// Tell counsellors: emergency wording was detected (category only, never text).
    case alert(category: String)
    /// Tell counsellors: a risk without immediacy was detected (category only): the case's priority was raised.
    case flag(category: String)
    /// Leave the group or room.
    case leaveChat
}

/// One message from the bot: text and, where she has to choose, quick-reply buttons.
public struct BotMessage: Sendable, Hashable {
    public var text: String
    public var choices: [BotChoice]

    public init(text: String, choices: [BotChoice] = []) {
        self.text = text
        self.choices = choices
    }
}

/// A quick-reply button: tapping it sends `data` back (as a postback) and shows `label` as her message.
public struct BotChoice: Sendable, Hashable {
    public var label: String
    public var data: String

    public init(label: String, data: String) {
        self.label = label
        self.data = data
    }
}

/// The engine's answer: the conversation's next state and what to do.
public struct TriageDecision: Sendable, Hashable {
    public var conversation: Conversation
    public var actions: [TriageAction]
    /// A case was opened by this decision (its id came from the caller's `newCaseID`).
    public var openedCase: Bool

    public init(conversation: Conversation, actions: [TriageAction], openedCase: Bool = false) {
        self.conversation = conversation
        self.actions = actions
        self.openedCase = openedCase
    }

    /// Every message this decision sends, in order.
    public var messages: [BotMessage] {
        actions.flatMap { action -> [BotMessage] in
            if case .send(let messages) = action { return messages }
            return []
        }
    }
}
