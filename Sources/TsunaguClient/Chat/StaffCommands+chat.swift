import TsunaguCore

extension StaffCommands {
    /// `tsunagu chat`: the transcript, her messages as they arrive, and each typed line as an action, until
    /// `/quit`, the end of `typed`, or the case leaving your hands.
    /// - Parameter typed: the lines the counsellor types (standard input in the executable).
    public func chat(_ handle: String, typed: AsyncStream<String>) async throws {
        let handle = try validHandle(handle)
        let me: StaffAPI.Me = try await client.get(StaffPaths.me)
        let session = ChatSession(commands: self, handle: handle, me: me.name)
        let start = try await client.get(StaffPaths.feed(), as: StaffAPI.Events.self).cursor
        try await session.catchUp(header: true)
        terminal.say(terminal.paint("Type to send; /note, /canned, /close, /transfer, /quit (/help explains).", .dim))

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Her side: wake on the feed, then read what is new.
                var cursor = start
                while !Task.isCancelled {
                    let answer: StaffAPI.Events = try await client.get(StaffPaths.feed(after: cursor))
                    cursor = answer.cursor
                    for event in answer.events where event.handle == handle {
                        if try await session.handleFeed(event) == .done { return }
                    }
                }
            }
            group.addTask {
                for await line in typed {
                    if try await session.handleTyped(line) == .done { return }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
