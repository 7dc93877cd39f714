#include "base/thread.h"

#include "base/alloc.h"

#if defined(_WIN32)
typedef struct start_args {
  void *(*fn)(void *);
  void *arg;
} start_args;

static DWORD WINAPI thread_main(LPVOID p) {
  start_args a = *(start_args *)p;
  oar_free(p);
  a.fn(a.arg);
  return 0;
}

int oar_thread_start(oar_thread *t, void *(*fn)(void *), void *arg) {
  start_args *a = oar_malloc(sizeof *a);
  if (!a) return -1;
  a->fn = fn;
  a->arg = arg;
  HANDLE h = CreateThread(NULL, 0, thread_main, a, 0, NULL);
  if (!h) {
    oar_free(a);
    return -1;
  }
  *t = h;
  return 0;
}

void oar_thread_join(oar_thread t) {
  WaitForSingleObject(t, INFINITE);
  CloseHandle(t);
}
#else
int oar_thread_start(oar_thread *t, void *(*fn)(void *), void *arg) {
  return pthread_create(t, NULL, fn, arg);
}

void oar_thread_join(oar_thread t) { pthread_join(t, NULL); }
#endif
