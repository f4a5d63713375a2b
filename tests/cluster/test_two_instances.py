#!/usr/bin/env python3
"""Two quizd instances on one PostgreSQL behind HAProxy (issue 14, "done
when"): the layout of scripts/cluster.sh, driven over HTTP.

  - a token from a login on one instance works on the other, and through
    HAProxy;
  - a logout, a disabled account and a role change made on one instance
    reach the other within 1 s (refused, or the new role shown);
  - an attempt started on one instance, answered on the other, submitted on
    the first;
  - SIGKILL of one instance under answer load: every answer acknowledged
    with 200 is stored, and the survivor takes every later save;
  - PostgreSQL stopped with `pg_ctl -m immediate` under answer load and
    started again: every acknowledged answer is stored and both instances
    serve again;
  - a live game joined through both instances: its host and players follow
    it through HAProxy (routed to the game's instance), which knows every
    player (the lobby lists both, a question closes once both answered);
  - the sweeper (one lock in the database, two instances running) finalises
    each expired attempt exactly once: one completion in contest_log each.

Usage: tests/cluster/test_two_instances.py   (BUILD: where quizd and quizadm
are, default build). Prints one line per test and "cluster: N passed, M
failed"; exits 1 when any failed. Needs PostgreSQL 15 and HAProxy
(make test-deps).
"""
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(os.environ.get("BUILD", os.path.join(ROOT, "build")))
CLUSTER = os.path.join(ROOT, "scripts", "cluster.sh")
PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")

PARTICIPANTS = 24  # load threads, one participant each
QUESTIONS = 12  # drawn per attempt
PASSWORD = "Cluster-Password-1"

UNITS_CSV = "code,name,kind,parent_code\nP,Tỉnh,province,\nS1,Trường Một,school,P\n"


def bank_json():
    questions = []
    for i in range(QUESTIONS + 4):
        questions.append({
            "code": f"cl-{i:02d}", "type": "single", "topics": ["malware"],
            "difficulty": 1, "stem": f"Câu {i}?", "explanation": "Vì.",
            "options": [{"text": "a", "correct": True}, {"text": "b", "correct": False},
                        {"text": "c", "correct": False}]})
    return {"code": "cl", "title": "Cluster", "language": "vi", "audiences": ["pupil"],
            "questions": questions}


def quiz_json(code, seconds):
    return {"code": code, "title": code, "kind": "quiz", "audiences": ["pupil"],
            "draw": [{"bank": "cl", "count": QUESTIONS}], "time_limit_s": seconds,
            "max_attempts": 1, "pass_percent": 50, "opens_at": "2020-01-01T00:00:00Z",
            "closes_at": "2090-01-01T00:00:00Z", "review": "after_submit"}


class Cluster:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="quiz-cluster.")
        os.chmod(self.dir, 0o711)
        self.clock = os.path.join(self.dir, "clock")
        with open(self.clock, "w") as f:
            f.write("0\n")
        env = dict(os.environ, BUILD=BUILD,
                   QUIZ_CLUSTER_QUIZD_ARGS=f"--sweep-interval 1 --test-clock-file {self.clock}")
        self.env = env
        out = subprocess.run([CLUSTER, "start", self.dir], env=env, capture_output=True,
                             text=True, timeout=300)
        if out.returncode != 0:
            raise RuntimeError("cluster.sh start failed:\n" + out.stderr + out.stdout)
        self.vars = {}
        with open(os.path.join(self.dir, "cluster.env")) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                self.vars[k] = v.strip("'")
        self.lb = self.vars["QUIZ_CLUSTER_URL"]
        self.q1 = self.vars["QUIZ_CLUSTER_Q1_URL"]
        self.q2 = self.vars["QUIZ_CLUSTER_Q2_URL"]
        self.db = self.vars["QUIZ_CLUSTER_DB"]
        self.keys = self.vars["QUIZ_CLUSTER_DATA_DIR"]

    def stop(self):
        subprocess.run([CLUSTER, "stop", self.dir], env=self.env, capture_output=True,
                       timeout=120)
        shutil.rmtree(self.dir, ignore_errors=True)

    def quizadm(self, *args):
        out = subprocess.run([os.path.join(BUILD, "quizadm"), "--db", self.db, "--data-dir",
                              self.keys, *args], capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"quizadm {' '.join(args)}: {out.stderr}{out.stdout}")
        return out.stdout

    def psql(self, sql):
        out = subprocess.run([os.path.join(PGBIN, "psql"), "-X", "-A", "-t", "-v",
                              "ON_ERROR_STOP=1", "-d", self.db, "-c", sql],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"psql: {out.stderr}")
        return out.stdout.strip()

    def pid(self, name):
        with open(os.path.join(self.dir, name + ".pid")) as f:
            return int(f.read().strip())

    def restart_quizd1(self):
        """Starts instance 1 again as cluster.sh did, on its port."""
        port = self.q1.rsplit(":", 1)[1]
        log = open(os.path.join(self.dir, "quizd1.log"), "a")
        proc = subprocess.Popen(
            [os.path.join(BUILD, "quizd"), "--db", self.db, "--listen", f"127.0.0.1:{port}",
             "--data-dir", self.keys, "--trusted-proxy", "127.0.0.1", "--per-ip-connections",
             "4096", "--sweep-interval", "1", "--test-clock-file", self.clock],
            stdout=log, stderr=log, start_new_session=True)
        with open(os.path.join(self.dir, "quizd1.pid"), "w") as f:
            f.write(f"{proc.pid}\n")
        wait_until(lambda: status(self.q1, "GET", "/healthz") == 200, 60, "quizd 1 restarted")

    def db_ctl(self, *args):
        """scripts/cluster.sh db-stop|db-start on this layout."""
        subprocess.run([CLUSTER, *args[:1], self.dir, *args[1:]], env=self.env, check=True,
                       capture_output=True, timeout=120)

    def move_clock(self, ms):
        with open(self.clock + ".new", "w") as f:
            f.write(f"{ms}\n")
        os.replace(self.clock + ".new", self.clock)


def call(base, method, path, token=None, body=None, timeout=30):
    """(status, parsed JSON or None); status 0 when nothing answered."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            raw = res.read()
            return res.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw) if raw else None
        except ValueError:
            return e.code, None
    except (OSError, urllib.error.URLError):
        return 0, None


def status(base, method, path, token=None, body=None):
    return call(base, method, path, token, body)[0]


def wait_until(cond, seconds, what):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s: {what}")


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def login(base, username):
    st, j = call(base, "POST", "/api/v1/auth/login", body={"username": username,
                                                          "password": PASSWORD})
    check(st == 200, f"login {username} on {base}: {st} {j}")
    return j["token"], j["user"]["id"]


# ---- the tests ---------------------------------------------------------------


def test_token_from_one_instance_works_on_the_other(c, ctx):
    token, _ = login(c.q1, "pupil0")
    for base in (c.q2, c.lb):
        st, j = call(base, "GET", "/api/v1/me", token)
        check(st == 200 and j["user"]["username"] == "pupil0", f"/me on {base}: {st} {j}")


def seen_within(c, token, change, seen, what):
    """Warms instance 2's caches with token (every worker thread), makes
    change on instance 1 and measures until a read of /me on instance 2
    shows it (seen(status, body)): at most 1 s."""
    for _ in range(20):
        check(status(c.q2, "GET", "/api/v1/me", token) == 200, "warm /me on instance 2")
    change()
    changed = time.monotonic()
    while not seen(*call(c.q2, "GET", "/api/v1/me", token)):
        check(time.monotonic() - changed < 3, f"{what}: not seen on instance 2 after 3 s")
        time.sleep(0.01)
    elapsed = time.monotonic() - changed
    check(elapsed <= 1.0, f"{what}: seen after {elapsed:.3f} s (more than 1 s)")
    return elapsed


def refused(st, body):
    return st == 401


def test_logout_disable_and_role_on_one_reach_the_other_within_1s(c, ctx):
    admin = ctx["admin"]
    token, _ = login(c.q1, "pupil1")
    e1 = seen_within(c, token, lambda: check(
        status(c.q1, "POST", "/api/v1/auth/logout", token) == 204, "logout"), refused, "logout")
    token, uid = login(c.q1, "pupil2")
    e2 = seen_within(c, token, lambda: check(
        status(c.q1, "PATCH", f"/api/v1/admin/users/{uid}", admin, {"disabled": True}) == 200,
        "disable"), refused, "disabled account")
    token, uid = login(c.q1, "pupil3")
    e3 = seen_within(c, token, lambda: check(
        status(c.q1, "PATCH", f"/api/v1/admin/users/{uid}", admin, {"role": "unit_admin"}) == 200,
        "role change"), lambda st, j: st == 200 and j["user"]["role"] == "unit_admin",
        "role change")
    return f"logout {e1 * 1000:.0f} ms, disable {e2 * 1000:.0f} ms, role {e3 * 1000:.0f} ms"


def test_attempt_started_on_one_answered_on_the_other_submitted_on_the_first(c, ctx):
    token, _ = login(c.lb, "pupil4")
    st, j = call(c.q1, "POST", f"/api/v1/quizzes/{ctx['quiz']}/attempts", token)
    check(st == 201, f"start on instance 1: {st} {j}")
    a = j["attempt"]
    for q in a["questions"]:
        st, j = call(c.q2, "PUT", f"/api/v1/attempts/{a['id']}/answers/{q['id']}", token,
                     {"choices": [q["options"][0]["id"]]})
        check(st == 200 and j["saved"], f"answer on instance 2: {st} {j}")
    st, j = call(c.q1, "GET", f"/api/v1/attempts/{a['id']}", token)
    check(st == 200 and len(j["attempt"]["answers"]) == len(a["questions"]),
          f"instance 1 reads every answer: {st} {j}")
    st, j = call(c.q1, "POST", f"/api/v1/attempts/{a['id']}/submit", token, {})
    check(st == 200 and j["attempt"]["state"] == "submitted" and j["attempt"]["result"],
          f"submit on instance 1: {st} {j}")


class Load:
    """One thread per participant: start an attempt through HAProxy, then
    save each question once (retrying what was not acknowledged) until all
    are acknowledged; acks[(attempt, question)] = choice of each 200."""

    def __init__(self, c, ctx, users, quiz):
        self.c, self.ctx, self.users, self.quiz = c, ctx, users, quiz
        self.acks = {}
        self.failures = 0
        self.lock = threading.Lock()
        self.attempts = {}
        self.threads = [threading.Thread(target=self.run, args=(u,)) for u in users]
        self.done = 0

    def ack_count(self):
        with self.lock:
            return len(self.acks)

    def run(self, user):
        token = self.ctx["tokens"][user]
        end = time.monotonic() + 90
        a = None
        while a is None and time.monotonic() < end:
            st, j = call(self.c.lb, "POST", f"/api/v1/quizzes/{self.quiz}/attempts", token)
            if st in (200, 201):
                a = j["attempt"]
            else:
                time.sleep(0.1)
        if a is None:
            return
        with self.lock:
            self.attempts[user] = a
        for k, q in enumerate(a["questions"]):
            choice = q["options"][k % len(q["options"])]["id"]
            while time.monotonic() < end:
                st, j = call(self.c.lb, "PUT", f"/api/v1/attempts/{a['id']}/answers/{q['id']}",
                             token, {"choices": [choice]}, timeout=10)
                if st == 200:
                    with self.lock:
                        self.acks[(a["id"], q["id"])] = choice
                    break
                with self.lock:
                    self.failures += 1
                time.sleep(0.05)
            time.sleep(0.02)
        with self.lock:
            self.done += 1

    def start(self):
        for t in self.threads:
            t.start()

    def join(self):
        for t in self.threads:
            t.join()

    def verify(self, base):
        """Every acknowledged answer is stored: read back through base."""
        missing = 0
        for user, a in self.attempts.items():
            st, j = call(base, "GET", f"/api/v1/attempts/{a['id']}", self.ctx["tokens"][user])
            check(st == 200, f"read attempt {a['id']}: {st} {j}")
            stored = j["attempt"]["answers"]
            for q in a["questions"]:
                want = self.acks.get((a["id"], q["id"]))
                if want is not None and stored.get(str(q["id"]), {}).get("choices") != [want]:
                    missing += 1
        check(missing == 0, f"{missing} acknowledged answers missing")
        check(self.done == len(self.users), f"{len(self.users) - self.done} loads unfinished")
        total = len(self.users) * QUESTIONS
        check(len(self.acks) == total, f"{len(self.acks)} of {total} saves acknowledged")


def test_sigkill_of_one_instance_under_answer_load_loses_no_acknowledged_answer(c, ctx):
    load = Load(c, ctx, ctx["load_users"][:PARTICIPANTS // 2], ctx["quiz_load1"])
    load.start()
    wait_until(lambda: load.ack_count() >= 40, 60, "40 answers acknowledged")
    os.kill(c.pid("quizd1"), signal.SIGKILL)
    at_kill = load.ack_count()
    check(at_kill < len(load.users) * QUESTIONS, "the kill came before the load ended")
    load.join()
    # the survivor took every later save; all acknowledged ones are stored
    load.verify(c.q2)
    c.restart_quizd1()
    load.verify(c.q1)
    return f"{at_kill} acknowledged at the kill, {len(load.acks)} in all, {load.failures} retried"


def test_postgresql_immediate_stop_under_answer_load_loses_no_acknowledged_answer(c, ctx):
    load = Load(c, ctx, ctx["load_users"][PARTICIPANTS // 2:], ctx["quiz_load2"])
    load.start()
    wait_until(lambda: load.ack_count() >= 40, 60, "40 answers acknowledged")
    c.db_ctl("db-stop", "immediate")
    at_stop = load.ack_count()
    time.sleep(1)
    c.db_ctl("db-start")
    load.join()
    load.verify(c.q1)
    load.verify(c.q2)
    for base in (c.q1, c.q2, c.lb):
        wait_until(lambda b=base: status(b, "GET", "/healthz") == 200, 30, f"{base} healthy")
    return f"{at_stop} acknowledged at the stop, {len(load.acks)} in all, {load.failures} retried"


class Events:
    """A server-sent events stream read in the background."""

    def __init__(self, base, path, token=None):
        u = urllib.parse.urlsplit(base)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        headers = {"Authorization": "Bearer " + token} if token else {}
        self.conn.request("GET", path, headers=headers)
        self.res = self.conn.getresponse()
        check(self.res.status == 200, f"events {path}: {self.res.status}")
        self.text = ""
        self.lock = threading.Lock()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        try:
            while True:
                line = self.res.readline()
                if not line:
                    return
                with self.lock:
                    self.text += line.decode()
        except OSError:
            return

    def wait_for(self, want, seconds=10):
        wait_until(lambda: want in self.text, seconds, f"event text {want!r}")
        with self.lock:
            return self.text

    def close(self):
        self.conn.close()


def test_live_game_joined_through_both_instances_is_played_through_haproxy(c, ctx):
    admin = ctx["admin"]
    st, j = call(c.lb, "POST", "/api/v1/live", admin,
                 {"bank": "cl", "count": 2, "seconds_per_question": 60})
    check(st == 201, f"create: {st} {j}")
    game, pin = j["live"]["id"], j["live"]["pin"]
    players = {}
    for base, nick in ((c.q1, "Một"), (c.q2, "Hai")):
        st, j = call(base, "POST", "/api/v1/live/join", body={"pin": pin, "nickname": nick})
        check(st == 200 and j["live_id"] == game, f"join on {base}: {st} {j}")
        players[nick] = j["player_token"]
    host = Events(c.lb, f"/api/v1/live/{game}/events", admin)
    streams = [host]
    try:
        host.wait_for('"players":["Một","Hai"]')
        for nick, token in players.items():
            streams.append(Events(c.lb, f"/api/v1/live/{game}/events?player={token}"))
        check(status(c.lb, "POST", f"/api/v1/live/{game}/next", admin) == 200, "next")
        text = streams[1].wait_for("event: question")
        data = text[text.index("event: question"):].split("data: ", 1)[1].split("\n", 1)[0]
        option = json.loads(data)["options"][0]["id"]
        for token in players.values():
            st, j = call(c.lb, "POST", f"/api/v1/live/{game}/answers", token,
                         {"index": 0, "choice": option})
            check(st == 200 and j["accepted"], f"answer: {st} {j}")
        # both answered: the game's instance knows both players
        host.wait_for("event: closed")
    finally:
        for e in streams:
            e.close()


def test_sweeper_finalises_each_expired_attempt_once_with_two_instances(c, ctx):
    quiz = ctx["quiz_short"]
    ids = []
    for i, user in enumerate(ctx["load_users"]):
        base = c.q1 if i % 2 else c.q2
        st, j = call(base, "POST", f"/api/v1/quizzes/{quiz}/attempts", ctx["tokens"][user])
        check(st == 201, f"start: {st} {j}")
        ids.append(j["attempt"]["id"])
    # past deadline + grace on both instances' clocks: the sweepers finalise
    c.move_clock(70 * 1000)
    id_list = ",".join(str(i) for i in ids)
    wait_until(lambda: c.psql(f"SELECT count(*) FROM attempts WHERE id IN ({id_list})"
                              " AND state = 'expired'") == str(len(ids)), 30,
               "every attempt expired by a sweeper")
    time.sleep(2.5)  # two more sweep intervals of both instances
    rows = c.psql(f"SELECT attempt_id, count(*) FROM contest_log WHERE attempt_id IN ({id_list})"
                  " GROUP BY attempt_id")
    counts = dict(line.split("|") for line in rows.splitlines() if line)
    check(len(counts) == len(ids), f"{len(counts)} of {len(ids)} attempts logged")
    check(all(n == "1" for n in counts.values()), f"an attempt finalised twice: {counts}")
    return f"{len(ids)} attempts, one completion each"


def setup(c):
    with tempfile.TemporaryDirectory() as tmp:
        units = os.path.join(tmp, "units.csv")
        with open(units, "w") as f:
            f.write(UNITS_CSV)
        c.quizadm("units", "import", units)
        bank = os.path.join(tmp, "cl.json")
        with open(bank, "w") as f:
            json.dump(bank_json(), f, ensure_ascii=False)
        c.quizadm("bank", "import", bank)
        for code, seconds in (("cl-main", 3600), ("cl-load1", 3600), ("cl-load2", 3600),
                              ("cl-short", 60)):
            path = os.path.join(tmp, code + ".json")
            with open(path, "w") as f:
                json.dump(quiz_json(code, seconds), f)
            c.quizadm("quiz", "create", path)
    c.quizadm("user", "add", "--username", "root", "--password", PASSWORD, "--role", "admin")
    users = [f"pupil{i}" for i in range(5)] + [f"load{i}" for i in range(PARTICIPANTS)]
    for u in users:
        c.quizadm("user", "add", "--username", u, "--password", PASSWORD, "--role",
                  "participant", "--unit", "S1", "--audience", "pupil")
    ctx = {"admin": login(c.lb, "root")[0], "load_users": users[5:], "tokens": {}}
    for u in ctx["load_users"]:
        ctx["tokens"][u] = login(c.lb, u)[0]
    st, j = call(c.lb, "GET", "/api/v1/quizzes", ctx["tokens"]["load0"])
    check(st == 200, f"quiz list: {st} {j}")
    by_code = {q["code"]: q["id"] for q in j["quizzes"]}
    ctx["quiz"] = by_code["cl-main"]
    ctx["quiz_load1"] = by_code["cl-load1"]
    ctx["quiz_load2"] = by_code["cl-load2"]
    ctx["quiz_short"] = by_code["cl-short"]
    return ctx


TESTS = [
    test_token_from_one_instance_works_on_the_other,
    test_logout_disable_and_role_on_one_reach_the_other_within_1s,
    test_attempt_started_on_one_answered_on_the_other_submitted_on_the_first,
    test_sigkill_of_one_instance_under_answer_load_loses_no_acknowledged_answer,
    test_postgresql_immediate_stop_under_answer_load_loses_no_acknowledged_answer,
    test_live_game_joined_through_both_instances_is_played_through_haproxy,
    test_sweeper_finalises_each_expired_attempt_once_with_two_instances,
]


def main():
    for tool in (os.path.join(BUILD, "quizd"), os.path.join(BUILD, "quizadm")):
        if not os.access(tool, os.X_OK):
            print(f"cluster: {tool} missing (make)", file=sys.stderr)
            return 1
    c = Cluster()
    passed = failed = 0
    try:
        ctx = setup(c)
        for t in TESTS:
            name = t.__name__[len("test_"):]
            try:
                note = t(c, ctx)
                passed += 1
                print(f"ok: {name}" + (f" ({note})" if note else ""), flush=True)
            except Exception:  # one test's failure is reported, the rest run
                failed += 1
                print(f"FAILED: {name}\n{traceback.format_exc()}", flush=True)
    except Exception:
        failed += 1
        print(f"FAILED: setup\n{traceback.format_exc()}", flush=True)
        for name in ("quizd1.log", "quizd2.log", "haproxy.log"):
            path = os.path.join(c.dir, name)
            if os.path.exists(path):
                print(f"--- {name} (tail)")
                with open(path, errors="replace") as f:
                    print("".join(f.readlines()[-15:]))
    finally:
        c.stop()
    print(f"cluster: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
