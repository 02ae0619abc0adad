SELECT * FROM sales WHERE Country IN ()
