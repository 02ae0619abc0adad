SELECT id FROM types WHERE st.x > 0
