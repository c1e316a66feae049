/*
 * Single instructions that trap, each followed by the label the expected-trap
 * mechanism resumes at (see trap_expect in traps.h).
 */
    .text
    .global probe_ud2, probe_ud2_insn, probe_ud2_resume
probe_ud2:
probe_ud2_insn:
    ud2
probe_ud2_resume:
    ret

    .global probe_int3, probe_int3_insn, probe_int3_resume
probe_int3:
probe_int3_insn:
    int3
probe_int3_resume:
    ret

    .section .note.GNU-stack, "", @progbits
