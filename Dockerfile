# The train Lambda as a container image (serverless.yml: provider.ecr.images.train).
# Stage 1 bundles functions/train.ts and the training engine's worker entry with esbuild
# (scripts/build/bundle-train.mjs): one folder, no node_modules. Stage 2 is the AWS
# Lambda base image for Node.js 22 with only that folder in it.
#   docker build --platform linux/amd64 -t movie-reco-train .

FROM public.ecr.aws/lambda/nodejs:22 AS build
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
# Dev dependencies are needed for esbuild; install scripts are not.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY functions ./functions
COPY lib ./lib
COPY scripts/build ./scripts/build
RUN node scripts/build/bundle-train.mjs /build/dist/train

FROM public.ecr.aws/lambda/nodejs:22
ENV NODE_OPTIONS=--enable-source-maps
COPY --from=build /build/dist/train/ ${LAMBDA_TASK_ROOT}/
CMD ["train.handler"]
