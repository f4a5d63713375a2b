# Debian's HAProxy with deploy/haproxy.cfg (docker-compose.yml, profile "cluster").
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends haproxy curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* && mkdir -p /run/haproxy && chown haproxy /run/haproxy
COPY deploy/haproxy.cfg /etc/haproxy/haproxy.cfg
RUN QUIZ_LB_Q1=127.0.0.1:1 QUIZ_LB_Q2=127.0.0.1:2 QUIZ_LB_SOCKET=/run/haproxy/quiz.sock \
    haproxy -c -f /etc/haproxy/haproxy.cfg
USER haproxy
EXPOSE 8080
CMD ["haproxy", "-f", "/etc/haproxy/haproxy.cfg", "-db"]
