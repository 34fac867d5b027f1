FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . && useradd --system apdr
USER apdr
EXPOSE 8000
CMD ["apdr", "serve", "--host", "0.0.0.0", "--port", "8000", "--no-worker"]
