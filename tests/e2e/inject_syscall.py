#!/usr/bin/env python3
"""Makes a live process run one system call of our choosing, as code an
attacker got to run inside it would (x86_64 only).

  inject_syscall.py PID NR [ARG...]

ARG is an integer (decimal or 0x hex, may be negative) or s:TEXT, which
passes a pointer to TEXT (NUL-terminated) written into the process's stack.

How: ptrace-attach, put a `syscall` instruction at the stopped thread's
instruction pointer, load the number and arguments into its registers (with
orig_rax = -1 so the kernel does not restart the call it was in), single-step
it. Prints one line and exits 0:
  killed by SIGSYS         the process died of that signal (seccomp KILL_PROCESS)
  trapped SIGSYS           a SIGSYS was delivered (seccomp TRAP, sanitizer builds);
                           the process gets it and its handler runs
  killed by signal N / exited N
  returned R               the call ran; memory and registers are restored
Exits 2 when it cannot attach or the process is not x86_64-like.

Why not gdb's `call`: gdb 13 cannot write the register state back on CPUs
with AMX ("Couldn't write extended state status"); this touches only the
general-purpose registers.
"""
import ctypes
import os
import signal
import struct
import sys

PTRACE_PEEKDATA, PTRACE_POKEDATA = 2, 5
PTRACE_GETREGS, PTRACE_SETREGS = 12, 13
PTRACE_ATTACH, PTRACE_DETACH, PTRACE_CONT, PTRACE_SINGLESTEP = 16, 17, 7, 9
MASK = (1 << 64) - 1
WALL = 0x40000000  # __WALL: wait for any kind of child
SCRATCH_BELOW_SP = 4096  # well below the red zone and the live frame


class Regs(ctypes.Structure):
    _fields_ = [(n, ctypes.c_ulonglong) for n in (
        "r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax "
        "rip cs eflags rsp ss fs_base gs_base ds es fs gs").split()]


libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.restype = ctypes.c_long
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]


def ptrace(req, pid, addr=0, data=0):
    ctypes.set_errno(0)
    r = libc.ptrace(req, pid, ctypes.c_void_p(addr), ctypes.c_void_p(data))
    err = ctypes.get_errno()
    if r == -1 and err != 0:
        raise OSError(err, f"ptrace({req}): {os.strerror(err)}")
    return r


def peek(pid, addr):
    return ptrace(PTRACE_PEEKDATA, pid, addr) & MASK


def poke(pid, addr, word):
    ptrace(PTRACE_POKEDATA, pid, addr, word)


def write_bytes(pid, addr, data):
    """Writes data at addr word by word; returns the words it replaced."""
    data += b"\0" * (-len(data) % 8)
    saved = []
    for off in range(0, len(data), 8):
        saved.append((addr + off, peek(pid, addr + off)))
        poke(pid, addr + off, struct.unpack("<Q", data[off:off + 8])[0])
    return saved


def get_regs(pid):
    regs = Regs()
    ptrace(PTRACE_GETREGS, pid, 0, ctypes.addressof(regs))
    return regs


def set_regs(pid, regs):
    ptrace(PTRACE_SETREGS, pid, 0, ctypes.addressof(regs))


def parse_args(regs, words):
    """Integers as they are; s:TEXT strings laid out below the stack pointer."""
    values, strings = [], []
    cursor = (regs.rsp - SCRATCH_BELOW_SP) & ~0xF
    for w in words:
        if w.startswith("s:"):
            text = w[2:].encode() + b"\0"
            cursor -= (len(text) + 15) & ~0xF
            strings.append((cursor, text))
            values.append(cursor)
        else:
            values.append(int(w, 0) & MASK)
    return values, strings


def describe(status):
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return "killed by SIGSYS" if sig == signal.SIGSYS else f"killed by signal {sig}"
    if os.WIFEXITED(status):
        return f"exited {os.WEXITSTATUS(status)}"
    return None


def inject(pid, nr, words):
    ptrace(PTRACE_ATTACH, pid)
    _, status = os.waitpid(pid, WALL)
    if not os.WIFSTOPPED(status):
        return describe(status) or f"unexpected wait status {status:#x}"
    saved_regs = get_regs(pid)
    values, strings = parse_args(saved_regs, words)
    saved_words = []
    for addr, text in strings:
        saved_words += write_bytes(pid, addr, text)
    rip = saved_regs.rip
    original = peek(pid, rip)
    poke(pid, rip, (original & ~0xFFFF) | 0x050F)  # 0f 05: syscall
    regs = get_regs(pid)
    regs.rax, regs.orig_rax = nr, MASK
    for name, value in zip(("rdi", "rsi", "rdx", "r10", "r8", "r9"), values):
        setattr(regs, name, value)
    set_regs(pid, regs)
    ptrace(PTRACE_SINGLESTEP, pid)
    _, status = os.waitpid(pid, WALL)
    if (ended := describe(status)) is not None:
        return ended
    sig = os.WSTOPSIG(status)
    if sig == signal.SIGSYS:
        ptrace(PTRACE_DETACH, pid, 0, int(signal.SIGSYS))  # let its handler see it
        return "trapped SIGSYS"
    result = get_regs(pid).rax
    poke(pid, rip, original)
    for addr, word in reversed(saved_words):
        poke(pid, addr, word)
    set_regs(pid, saved_regs)
    ptrace(PTRACE_DETACH, pid)
    signed = result - (1 << 64) if result >> 63 else result
    return f"returned {signed}"


def main():
    if len(sys.argv) < 3 or os.uname().machine != "x86_64":
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        print(inject(int(sys.argv[1]), int(sys.argv[2], 0), sys.argv[3:]))
    except OSError as e:
        print(f"inject_syscall: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
