SELECT id, st, st.x, st.y, arr, m FROM types
