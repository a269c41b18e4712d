# nngrade in a container, for TAs on macOS or Windows (the sandbox needs a Linux kernel).
#
#   docker build -t nngrade .
#   docker run --rm --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
#       -v "$PWD/submissions:/data/in:ro" -v "$PWD/out:/data/out" \
#       nngrade batch activations /data/in -o /data/out
#
# What it needs, and why: nngrade raises its own walls around every worker (user, PID, mount
# and network namespaces, an allow-list root, its own seccomp filter, rlimits). Docker's default
# seccomp profile (and Ubuntu's AppArmor rule for unprivileged user namespaces) refuses the
# unshare() calls those walls are made with, so the two --security-opt flags lift Docker's
# filters for this container only; no capability is added, and nngrade runs as a normal user in
# it. Without the flags nngrade falls back to Landlock (kernel >= 5.13, with
# signals scoped from 6.12): the allow-list still holds, and every result names the layers that
# were active. Where neither is granted, `nngrade batch` refuses to run (see the README).
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends libseccomp2 && rm -rf /var/lib/apt/lists/*
COPY . /opt/nngrade
RUN pip install --no-cache-dir "/opt/nngrade[plots]" && useradd --create-home grader
USER grader
WORKDIR /data
ENTRYPOINT ["nngrade"]
CMD ["demo"]
