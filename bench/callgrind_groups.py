#!/usr/bin/env python3
"""Instructions per engine event by function group, from a callgrind profile.

    valgrind --tool=callgrind --callgrind-out-file=cg.%p \
        build/bin/full_model_bench --hosts 1000 --minutes 3 --hold-events 1000
    bench/callgrind_groups.py cg.<child pid> <events> [group,group [N]]

<events> is the run's event count (full_model_bench prints it); the larger of the two files is
the forked child that ran the size. Each function's own (self) instructions count for its group;
what a function spends in shared libraries (libm's log, libc's malloc) counts for the calling
function, so a logarithm is charged to the sketch or distribution that took it. Groups are
matched on the function's name; "runner setup" (catalog, scenario, resolved results) is left out
of the total. The optional third argument lists the top N functions of the named groups.
"""
import collections
import re
import sys

GROUPS = [
    ('runner setup', r'resolved_scenario|yaml_to_json|hold_rate|YAML|Catalog|catalog|'
                     r'load_scenario|parse_document|load_documents|Loader'),
    ('flow model', r'FlowModel|models::Host::|introsort_loop<__gnu_cxx::__normal_iterator<unsigned int'),
    ('engine', r'sim::BasicSimulation|RadixHeapQueue|DaryHeapQueue|InplaceFunction|run_jobs'),
    ('metrics sampling', r'State::sample|packing_metrics|PackingAccumulator|NodeView|ResourceVector|'
                         r'ClusterWorld'),
    ('request metrics', r'metrics::|QuantileSketch|RunningStats|TimeWeighted|WarmupCut'),
    ('workload', r'ArrivalProcess|Poisson|RateProfile|StepRate|Exponential|Normal::|LogNormal|'
                 r'RandomStream|Distribution|exponential_gap|Burst'),
    ('time/size rounding', r'Time::from_seconds|Bytes::scaled|Time::scaled'),
    ('requests', r'Cluster::(submit|enqueue|dispatch|begin_request|cpu_done|io_done|capacity_rps|'
                 r'check_requests|'
                 r'end_idle|went_idle|function_arrival)|Signal|Node::cpu_path|Node::disk_path|'
                 r'PlatformRuntime::instance'),
    ('autoscaling', r'autoscal|Hpa|evaluate_autoscaler|Controller'),
]


def read(path):
    names, objects = {}, {}

    def name(table, text):
        m = re.match(r'\((\d+)\)(?: (.*))?', text)
        if not m:
            return text
        if m.group(2) is not None:
            table[m.group(1)] = m.group(2)
        return table[m.group(1)]

    own, calls, object_of = collections.Counter(), collections.Counter(), {}
    fn = ob = callee = callee_ob = None
    in_call = False
    for line in open(path):
        line = line.rstrip('\n')
        if line.startswith('ob='):
            ob = name(objects, line[3:])
        elif line.startswith('fn='):
            fn = name(names, line[3:])
            object_of[fn] = ob
        elif line.startswith('cob='):
            callee_ob = name(objects, line[4:])
        elif line.startswith('cfn='):
            callee = name(names, line[4:])
            object_of.setdefault(callee, callee_ob or ob)
        elif line.startswith('calls='):
            in_call = True
        elif line and (line[0].isdigit() or line[0] in '+-*'):
            parts = line.split()
            if len(parts) < 2:
                continue
            if in_call:
                calls[(fn, callee)] += int(parts[1])
                in_call = False
            else:
                own[fn] += int(parts[1])
    return own, calls, object_of


def main():
    path, events = sys.argv[1], float(sys.argv[2])
    own, calls, object_of = read(path)
    in_library = lambda f: '.so' in (object_of.get(f) or '')
    cost = collections.Counter()
    for f, c in own.items():
        if not in_library(f):
            cost[f] += c
    for (caller, callee), c in calls.items():
        if in_library(callee) and not in_library(caller) and \
                not re.match(r'\(below main\)|main$|0x', caller):
            cost[caller + '  [+lib]'] += c
    total, members = collections.Counter(), collections.defaultdict(list)
    for f, c in cost.items():
        plain = f.replace('(anonymous namespace)', 'anon')
        head = plain if plain.startswith('(') else plain.split('(')[0]
        if 'run_jobs' in f:
            head = 'run_jobs'  # the runner's job loop, where the engine's run_until is inlined
        group = next((g for g, rx in GROUPS if re.search(rx, head)), 'other')
        total[group] += c
        members[group].append((c, f))
    counted = sum(v for g, v in total.items() if g != 'runner setup')
    print(f'instructions per event (runner setup left out): {counted / events:.0f}; outside the '
          f'flow model and the engine: '
          f'{(counted - total["flow model"] - total["engine"]) / events:.0f}')
    for g, v in total.most_common():
        print(f'{g:20s} {v / events:8.0f}')
    if len(sys.argv) > 3:
        top = int(sys.argv[4]) if len(sys.argv) > 4 else 15
        for g in sys.argv[3].split(','):
            print('--', g)
            for c, f in sorted(members[g], reverse=True)[:top]:
                print(f'{c / events:8.1f} {f[:150]}')


if __name__ == '__main__':
    main()
