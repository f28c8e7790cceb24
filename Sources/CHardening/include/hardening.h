#ifndef TSUNAGU_HARDENING_H
#define TSUNAGU_HARDENING_H

/// Makes this process leave no core dump and refuse ptrace from processes of the same user: the master key and
/// her words are in its memory. Returns 0, or -1 with errno when the kernel refused.
int tsunagu_disable_dumping(void);

/// 1 when the process may still be dumped (PR_GET_DUMPABLE), 0 when not, -1 where that cannot be asked.
int tsunagu_is_dumpable(void);

#endif
