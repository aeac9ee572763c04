# The kube-devops image that `kube-devops deploy generate-all` names (kube-devops:<version>):
#
#   docker build -t kube-devops:0.3.0 .
#
# Two stages: the first builds the wheel from the source (notebooks and sample files included;
# kube_devops/data links to notebooks/ and kube-tests/), the second installs it on
# python:3.11-slim and runs as the non-root user 65532, the runAsUser of the generated
# Deployments. Those Deployments set readOnlyRootFilesystem: true and mount an emptyDir at /tmp,
# so nothing here writes outside /tmp at run time: no bytecode files, HOME and every cache under
# /tmp. The Deployments give `command: [kube-devops]` and the component's arguments, matching
# ENTRYPOINT; without arguments the image prints its help.
#
# tests/packaging/test_dockerfile.py checks this file statically against the generated
# Deployments (USER, ENTRYPOINT, EXPOSE, version); no container engine is needed to run it.

FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOME=/tmp \
    XDG_CACHE_HOME=/tmp/.cache \
    MPLCONFIGDIR=/tmp/matplotlib
RUN groupadd --gid 65532 kube-devops \
    && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /tmp \
       --shell /usr/sbin/nologin kube-devops
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
LABEL org.opencontainers.image.title="kube-devops" \
      org.opencontainers.image.version="0.3.0" \
      org.opencontainers.image.licenses="Apache-2.0"
USER 65532:65532
WORKDIR /tmp
EXPOSE 8080 9090 8443
ENTRYPOINT ["kube-devops"]
CMD ["--help"]
