# Container image of rampart: a static binary on a distroless base, run as
# a non-root user. Build with
#   docker build --build-arg VERSION=v1.2.3 -t rampart:v1.2.3 .
# and run on a model in the current directory with
#   docker run --rm -v "$PWD:/work" rampart:v1.2.3 check rampart.yaml
# The build stage runs on the builder's platform and cross-compiles, with the
# flags of scripts/release.sh, for the image's (docker buildx build
# --platform linux/amd64,linux/arm64): the same static binary as the
# release archive rampart_VERSION_linux_ARCH.tar.gz holds.
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG VERSION=dev
# Set by the builder; empty, go builds for the build stage's platform.
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -buildvcs=false \
	-ldflags "-s -w -buildid= -X main.version=${VERSION}" -o /out/rampart ./cmd/rampart

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/rampart /usr/local/bin/rampart
# distroless's nonroot user (65532); Graphviz's cache goes to its home.
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/rampart"]
CMD ["--help"]
