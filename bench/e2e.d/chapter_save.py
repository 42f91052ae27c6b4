# The chapter's exercise 3 (ch15_mqtt_save.py), the baseline a learner starts from.
#
# Its logic is unchanged: json.loads, one printed line, the CSV opened, appended to and closed
# for every message. Only the settings differ: read from the environment as in exercise 4
# (without python-dotenv), TLS and login only when asked for, so that it can point at the
# benchmark's local broker, and the subscription QoS from MQTT_QOS (the chapter's default 0).
# Standard output is line-buffered, as it is in the terminal where learners run it.

import paho.mqtt.client as mqtt
import json
from datetime import datetime
import csv
import os
import sys

sys.stdout.reconfigure(line_buffering=True)

# MQTT 설정
MQTT_BROKER = os.getenv("MQTT_BROKER")
MQTT_PORT = int(os.getenv("MQTT_PORT", 8883))
MQTT_USER = os.getenv("MQTT_USER")
MQTT_PASSWORD = os.getenv("MQTT_PASSWORD")
MQTT_TLS = os.getenv("MQTT_TLS", "on") != "off"
MQTT_QOS = int(os.getenv("MQTT_QOS", 0))

TOPIC_SENSOR = os.getenv("TOPIC_SENSOR", "hexaboard/+/sensor/data")  # 모든 보드

# CSV 파일 설정
CSV_FILE = os.getenv("CSV_FILE", "sensor_data.csv")

def init_csv():
    """CSV 파일 초기화"""
    if not os.path.exists(CSV_FILE):
        with open(CSV_FILE, 'w', newline='') as f:
            writer = csv.writer(f)
            writer.writerow(['Timestamp', 'Board', 'Temperature', 'Humidity', 'Light'])
        print(f"✅ CSV 파일 생성: {CSV_FILE}\n")

def save_to_csv(board, temp, humid, light):
    """CSV 파일에 데이터 저장"""
    timestamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S")

    with open(CSV_FILE, 'a', newline='') as f:
        writer = csv.writer(f)
        writer.writerow([timestamp, board, temp, humid, light])

    print(f"💾 저장 완료: {timestamp}")

def on_connect(client, userdata, flags, rc):
    """연결 성공"""
    if rc == 0:
        print("✅ MQTT 연결 성공!")
        client.subscribe(TOPIC_SENSOR, MQTT_QOS)
        print(f"📬 구독: {TOPIC_SENSOR}\n")
    else:
        print(f"❌ 연결 실패: {rc}")

def on_message(client, userdata, msg):
    """메시지 수신 및 저장"""
    try:
        # JSON 파싱
        payload = msg.payload.decode()
        data = json.loads(payload)

        # 데이터 추출
        board = data.get("board", "Unknown")
        temp = data.get("temperature")
        humid = data.get("humidity")
        light = data.get("light")

        # 콘솔 출력
        time_str = datetime.now().strftime("%H:%M:%S")
        print(f"[{time_str}] 보드 {board}: {temp}°C, {humid}%, 조도 {light}")

        # CSV 저장
        save_to_csv(board, temp, humid, light)

    except Exception as e:
        print(f"❌ 오류: {e}")

# CSV 초기화
init_csv()

# MQTT 클라이언트 생성
client = mqtt.Client()
if MQTT_TLS:
    client.tls_set()
if MQTT_USER:
    client.username_pw_set(MQTT_USER, MQTT_PASSWORD)

client.on_connect = on_connect
client.on_message = on_message

try:
    client.connect(MQTT_BROKER, MQTT_PORT, 60)
    print("센서 데이터 수집 및 저장 시작...\n")
    client.loop_forever()

except KeyboardInterrupt:
    print("\n\n서버 종료")
    print(f"📁 데이터 저장 위치: {CSV_FILE}")
    client.disconnect()
