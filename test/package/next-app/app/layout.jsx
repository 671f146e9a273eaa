import 'presence-widgets/styles.css';

export const metadata = { title: 'presence-widgets in Next.js' };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
