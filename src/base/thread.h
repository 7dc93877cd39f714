/* Threads, mutexes and condition variables: POSIX threads, or the Win32
 * primitives on Windows (SRW locks, condition variables, CreateThread), so
 * that the thread pool and the locks of the runtime build with mingw-w64
 * and MSVC alike. */
#ifndef OAR_BASE_THREAD_H
#define OAR_BASE_THREAD_H

#if defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

typedef SRWLOCK oar_mutex;
typedef CONDITION_VARIABLE oar_cond;
typedef HANDLE oar_thread;
#define OAR_MUTEX_INITIALIZER SRWLOCK_INIT

static inline void oar_mutex_init(oar_mutex *m) { InitializeSRWLock(m); }
static inline void oar_mutex_destroy(oar_mutex *m) { (void)m; }
static inline void oar_mutex_lock(oar_mutex *m) { AcquireSRWLockExclusive(m); }
static inline void oar_mutex_unlock(oar_mutex *m) { ReleaseSRWLockExclusive(m); }
static inline void oar_cond_init(oar_cond *c) { InitializeConditionVariable(c); }
static inline void oar_cond_destroy(oar_cond *c) { (void)c; }
static inline void oar_cond_wait(oar_cond *c, oar_mutex *m) { SleepConditionVariableSRW(c, m, INFINITE, 0); }
static inline void oar_cond_broadcast(oar_cond *c) { WakeAllConditionVariable(c); }
static inline void oar_thread_yield(void) { SwitchToThread(); }
#else
#include <pthread.h>
#include <sched.h>

typedef pthread_mutex_t oar_mutex;
typedef pthread_cond_t oar_cond;
typedef pthread_t oar_thread;
#define OAR_MUTEX_INITIALIZER PTHREAD_MUTEX_INITIALIZER

static inline void oar_mutex_init(oar_mutex *m) { pthread_mutex_init(m, NULL); }
static inline void oar_mutex_destroy(oar_mutex *m) { pthread_mutex_destroy(m); }
static inline void oar_mutex_lock(oar_mutex *m) { pthread_mutex_lock(m); }
static inline void oar_mutex_unlock(oar_mutex *m) { pthread_mutex_unlock(m); }
static inline void oar_cond_init(oar_cond *c) { pthread_cond_init(c, NULL); }
static inline void oar_cond_destroy(oar_cond *c) { pthread_cond_destroy(c); }
static inline void oar_cond_wait(oar_cond *c, oar_mutex *m) { pthread_cond_wait(c, m); }
static inline void oar_cond_broadcast(oar_cond *c) { pthread_cond_broadcast(c); }
static inline void oar_thread_yield(void) { sched_yield(); }
#endif

/* Starts fn(arg) on a new thread; 0 on success. */
int oar_thread_start(oar_thread *t, void *(*fn)(void *), void *arg);
/* Waits for the thread to end and releases it. */
void oar_thread_join(oar_thread t);

#endif
