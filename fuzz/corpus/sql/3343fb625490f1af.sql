SELECT st.nope FROM types
