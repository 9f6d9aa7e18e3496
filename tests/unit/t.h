/*
 * t.h: the smallest test harness that does the job.  A test is a function;
 * CHECK() records a failure (and carries on); RUN() counts the test as
 * passed or failed; DONE() prints "N passed, N failed" and gives the exit
 * status.
 */
#ifndef T_H
#define T_H

#include <stdio.h>

static int t_pass, t_fail, t_bad;

#define CHECK(c) do {							\
	if (!(c)) {							\
		t_bad = 1;						\
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n",		\
		    __FILE__, __LINE__, #c);				\
	}								\
} while (0)

#define RUN(fn) do {							\
	t_bad = 0;							\
	fn();								\
	if (t_bad) {							\
		t_fail++;						\
		fprintf(stderr, "FAIL %s\n", #fn);			\
	} else								\
		t_pass++;						\
} while (0)

#define DONE() (printf("%d passed, %d failed\n", t_pass, t_fail), t_fail != 0)

#endif
